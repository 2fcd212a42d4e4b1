import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { EmptyState, PageHeader } from "../components/ui";
import { formatDateTime } from "../utils/format";
import { readDevOutbox } from "./dev.outbox.server";

export const meta: MetaFunction = () => [{ title: "Outbox (development) · Sales-as-Code" }];

/** The mail this instance would have sent, for development and the local demo (no SMTP_URL). */
export async function loader({ context }: LoaderFunctionArgs) {
  return { mail: await readDevOutbox(context) };
}

export default function DevOutbox() {
  const { mail } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Outbox"
        description="Mail this instance sent while no SMTP server is configured. Only this machine can see this page."
      />
      {mail.length === 0 ? (
        <EmptyState title="No mail yet">Ask for a password reset and the email shows up here.</EmptyState>
      ) : (
        <ol className="space-y-4" data-testid="outbox">
          {mail.map((m) => (
            <li
              key={m.id}
              className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
              data-testid="outbox-mail"
            >
              <div className="text-sm text-slate-500">
                To{" "}
                <span className="font-medium text-slate-800" data-testid="outbox-to">
                  {m.toEmail}
                </span>{" "}
                · {formatDateTime(m.createdAt)}
              </div>
              <div className="mt-1 font-semibold text-slate-900" data-testid="outbox-subject">
                {m.subject}
              </div>
              <pre className="mt-3 whitespace-pre-wrap font-sans text-sm text-slate-700" data-testid="outbox-body">
                {linkify(m.textBody)}
              </pre>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

/** Links in a plain-text mail become clickable (only our own origin's links are in our mail). */
function linkify(text: string) {
  return text.split(/(https?:\/\/\S+)/g).map((part, i) =>
    /^https?:\/\//.test(part) ? (
      <a key={i} href={part} className="break-all text-brand-600 underline">
        {part}
      </a>
    ) : (
      part
    ),
  );
}
