// A person's places in an engagement tool's sequences: "In “Q4 Outbound”, step 3 of 5 · active", a
// step bar, and when it last changed. Running ones stand out; paused ones are marked; finished and
// stopped ones (bounced, opted out) are quieter or red.
import { sequenceStateWords, sequenceStepWords } from "../../server/crm/stage-labels";
import { formatDateTime } from "../utils/format";
import { sourceLabel } from "../utils/source-labels";
import { Badge } from "./ui";

export type Enrollment = {
  id: string;
  sequenceName: string;
  step: number | null;
  totalSteps: number | null;
  state: string;
  stateChangedAt: Date | string | null;
  source: string;
};

type Look = { tone: "green" | "amber" | "slate" | "red" | "blue"; bar: string; muted: boolean };

/** How a state looks: active green, paused amber, finished grey, stopped by the recipient red. */
export function enrollmentLook(state: string): Look {
  const words = sequenceStateWords(state);
  if (words === "active") return { tone: "green", bar: "bg-emerald-500", muted: false };
  if (words === "paused" || words === "pending") return { tone: "amber", bar: "bg-amber-400", muted: false };
  if (words === "finished" || words === "completed" || words === "disabled")
    return { tone: "slate", bar: "bg-slate-400", muted: true };
  if (words === "failed" || words === "bounced" || words === "opted out")
    return { tone: "red", bar: "bg-red-400", muted: true };
  return { tone: "blue", bar: "bg-brand-500", muted: false };
}

export function SequenceEnrollments({ enrollments, firstName }: { enrollments: Enrollment[]; firstName: string }) {
  if (enrollments.length === 0)
    return (
      <p className="text-sm text-slate-600">
        {firstName} is in no sequence. Sequences from Outreach show here once it is connected.
      </p>
    );
  return (
    <ul className="space-y-3" data-testid="sequence-enrollments">
      {enrollments.map((enrollment) => {
        const look = enrollmentLook(enrollment.state);
        const step = sequenceStepWords(enrollment.step, enrollment.totalSteps);
        const stateWords = sequenceStateWords(enrollment.state);
        const share =
          enrollment.step !== null && enrollment.totalSteps !== null && enrollment.totalSteps > 0
            ? Math.min(1, enrollment.step / enrollment.totalSteps)
            : null;
        return (
          <li
            key={enrollment.id}
            className={`rounded-md p-3 ring-1 ${look.muted ? "bg-slate-50 ring-slate-200" : "bg-white ring-slate-200"}`}
            data-testid="sequence-enrollment"
            data-state={stateWords}
          >
            <div className="flex flex-wrap items-start justify-between gap-x-3 gap-y-1">
              <p className={`min-w-0 break-words text-sm ${look.muted ? "text-slate-600" : "text-slate-900"}`}>
                In <span className="font-medium">{enrollment.sequenceName}</span>
                {step ? `, ${step}` : ""}
              </p>
              <Badge tone={look.tone}>{stateWords}</Badge>
            </div>
            {share !== null ? (
              <div
                className="mt-2 h-1.5 overflow-hidden rounded-full bg-slate-100"
                role="img"
                aria-label={`${step} of the sequence`}
              >
                <div className={`h-full rounded-full ${look.bar}`} style={{ width: `${Math.round(share * 100)}%` }} />
              </div>
            ) : null}
            <p className="mt-1.5 text-xs text-slate-500">
              {enrollment.stateChangedAt
                ? `Changed ${formatDateTime(enrollment.stateChangedAt)}`
                : "Not known when it changed"}
              {` · ${sourceLabel(enrollment.source)}`}
            </p>
          </li>
        );
      })}
    </ul>
  );
}
