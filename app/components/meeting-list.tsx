// A page of meetings: when (UTC), what, with whom, and whether notes were taken.
import { Link } from "@remix-run/react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/root";
import { formatDateTime, personName } from "../utils/format";
import { CancelledBadge, SourceBadge } from "./source-badge";
import { Badge } from "./ui";

type MeetingsPage = inferRouterOutputs<AppRouter>["meetings"]["list"];

const timeFormat = new Intl.DateTimeFormat("en-US", { timeStyle: "short", timeZone: "UTC" });

/** "Mar 4, 2026, 3:00 PM – 4:00 PM UTC" (the end's date only when it differs). */
export function formatMeetingTime(startsAt: Date | string, endsAt: Date | string): string {
  const start = new Date(startsAt);
  const end = new Date(endsAt);
  const sameDay = start.toISOString().slice(0, 10) === end.toISOString().slice(0, 10);
  const startText = formatDateTime(start).replace(/ UTC$/, "");
  return sameDay ? `${startText} – ${timeFormat.format(end)} UTC` : `${startText} – ${formatDateTime(end)}`;
}

export function MeetingList({ meetings }: { meetings: MeetingsPage["items"] }) {
  return (
    <ul
      className="divide-y divide-slate-100 overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200"
      data-testid="meetings"
    >
      {meetings.map((meeting) => (
        <li
          key={meeting.id}
          className="flex flex-wrap items-start justify-between gap-3 px-4 py-3"
          data-testid="meeting-row"
        >
          <div className="min-w-0">
            <p className="text-xs font-medium text-slate-500">{formatMeetingTime(meeting.startsAt, meeting.endsAt)}</p>
            <div className="flex flex-wrap items-center gap-2">
              <Link
                to={`/meetings/${meeting.id}`}
                className={`font-medium hover:text-brand-600 hover:underline ${meeting.cancelledAt ? "text-slate-500 line-through" : "text-slate-900"}`}
              >
                {meeting.title}
              </Link>
              {meeting.cancelledAt ? <CancelledBadge /> : null}
              <SourceBadge source={meeting.source} />
            </div>
            <p className="text-sm text-slate-600">
              {meeting.account ? meeting.account.name : "No account"}
              {meeting.opportunity ? ` · ${meeting.opportunity.name}` : ""}
            </p>
            {meeting.attendees.some((a) => a.prospect) ? (
              <p className="mt-0.5 text-xs text-slate-500">
                With {meeting.attendees.flatMap((a) => (a.prospect ? [personName(a.prospect)] : [])).join(", ")}
              </p>
            ) : null}
          </div>
          {meeting.notes ? <Badge tone="green">Has notes</Badge> : <Badge>No notes</Badge>}
        </li>
      ))}
    </ul>
  );
}
