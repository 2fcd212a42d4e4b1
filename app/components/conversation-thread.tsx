// A conversation's messages, oldest first. Bodies are plain text rendered as text (never HTML), with
// their line breaks kept; each message has an anchor (#message-<id>) that search results link to.
import { Link } from "@remix-run/react";
import { ownValue } from "../../server/utils/own";
import { formatDateTime } from "../utils/format";

export type ThreadMessage = {
  id: string;
  fromEmail: string;
  toEmails: string[];
  sentAt: Date | string;
  body: string;
  /** Synced mail: the quoted history trimmed from the body, shown collapsed. */
  quotedText?: string | null;
  /** Synced mail: attachments by name (their content is never stored). */
  attachmentNames?: string[];
};
export type KnownPerson = { id: string; name: string };

export function ConversationThread({
  messages,
  people,
  me,
}: {
  messages: ThreadMessage[];
  people: Record<string, KnownPerson>;
  me: string;
}) {
  const who = (email: string) => {
    const key = email.toLowerCase();
    if (key === me.toLowerCase()) return <span className="font-medium text-slate-900">You</span>;
    const person = ownValue(people, key);
    return person ? (
      <Link to={`/prospects/${person.id}`} className="font-medium text-brand-600 hover:underline" title={email}>
        {person.name}
      </Link>
    ) : (
      <span className="font-medium text-slate-900">{email}</span>
    );
  };
  if (messages.length === 0) {
    return <p className="text-sm text-slate-500">No messages in this conversation yet. Add the first one below.</p>;
  }
  return (
    <ol className="space-y-4" data-testid="messages">
      {messages.map((message) => {
        const mine = message.fromEmail.toLowerCase() === me.toLowerCase();
        return (
          <li
            key={message.id}
            id={`message-${message.id}`}
            className={`scroll-mt-20 rounded-lg p-4 shadow-sm ring-1 target:ring-2 target:ring-brand-500 ${mine ? "bg-brand-50/60 ring-brand-100" : "bg-white ring-slate-200"}`}
            data-testid="message"
          >
            <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
              <p>
                {who(message.fromEmail)}
                {message.toEmails.length > 0 ? (
                  <span className="text-slate-500">
                    {" to "}
                    {message.toEmails.map((email, i) => (
                      <span key={`${email}-${i}`}>
                        {i > 0 ? ", " : ""}
                        {who(email)}
                      </span>
                    ))}
                  </span>
                ) : null}
              </p>
              <time dateTime={new Date(message.sentAt).toISOString()} className="text-xs text-slate-500">
                {formatDateTime(message.sentAt)}
              </time>
            </div>
            <p className="mt-2 whitespace-pre-wrap break-words text-sm text-slate-800" data-testid="message-body">
              {message.body}
            </p>
            {message.attachmentNames && message.attachmentNames.length > 0 ? (
              <ul
                className="mt-2 flex flex-wrap gap-1.5 text-xs text-slate-600"
                aria-label="Attachments"
                data-testid="message-attachments"
              >
                {message.attachmentNames.map((name, i) => (
                  <li
                    key={`${name}-${i}`}
                    className="inline-flex max-w-full items-center gap-1 break-all rounded bg-slate-100 px-1.5 py-0.5"
                  >
                    <PaperclipIcon />
                    {name}
                  </li>
                ))}
              </ul>
            ) : null}
            {message.quotedText ? (
              <details className="mt-2 text-sm" data-testid="message-quoted">
                <summary className="cursor-pointer text-xs font-medium text-slate-500 hover:text-slate-700">
                  Show quoted text
                </summary>
                <p className="mt-1 whitespace-pre-wrap break-words border-l-2 border-slate-200 pl-3 text-slate-600">
                  {message.quotedText}
                </p>
              </details>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

/** Drawn, not an emoji: a machine without an emoji font showed the paperclip as an empty box. */
function PaperclipIcon() {
  return (
    <svg
      aria-hidden
      viewBox="0 0 16 16"
      className="h-3 w-3 shrink-0"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
    >
      <path d="M10.5 4.5 5.6 9.4a1.5 1.5 0 0 0 2.1 2.1l5-5a3 3 0 0 0-4.2-4.2l-5 5a4.5 4.5 0 0 0 6.4 6.4l4.1-4.2" />
    </svg>
  );
}
