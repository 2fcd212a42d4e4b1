// The people on a deal (Salesforce's contact roles): each with their role as the CRM names it, the
// primary contact marked and first, each a link to their page.
import { Link } from "@remix-run/react";
import { personName } from "../utils/format";
import { sourceLabel, isSynced } from "../utils/source-labels";
import { Badge } from "./ui";

export type DealContact = {
  id: string;
  role: string | null;
  isPrimary: boolean;
  source: string;
  prospect: { id: string; firstName: string; lastName: string; title: string | null; email: string | null };
};

export function DealContacts({ contacts }: { contacts: DealContact[] }) {
  if (contacts.length === 0)
    return (
      <p className="text-sm text-slate-500">
        No people on this deal yet. The contact roles of a deal synced from Salesforce appear here.
      </p>
    );
  return (
    <ul className="divide-y divide-slate-100" data-testid="deal-contacts">
      {contacts.map((contact) => (
        <li
          key={contact.id}
          className="flex flex-wrap items-start justify-between gap-x-3 gap-y-1 py-2.5"
          data-testid="deal-contact"
        >
          <div className="min-w-0">
            <Link
              to={`/prospects/${contact.prospect.id}`}
              className="font-medium text-slate-900 hover:text-brand-600 hover:underline"
              data-testid="deal-contact-name"
            >
              {personName(contact.prospect)}
            </Link>
            <p className="break-words text-xs text-slate-500">
              {[contact.prospect.title, contact.prospect.email].filter(Boolean).join(" · ") || "No title"}
            </p>
          </div>
          <div className="flex flex-wrap items-center gap-1.5 text-xs">
            {contact.isPrimary ? (
              <span data-testid="deal-contact-primary">
                <Badge tone="green">Primary contact</Badge>
              </span>
            ) : null}
            <span className="text-slate-700" data-testid="deal-contact-role">
              {contact.role ?? "No role given"}
            </span>
            {isSynced(contact.source) ? (
              <span className="sr-only">{` (from ${sourceLabel(contact.source)})`}</span>
            ) : null}
          </div>
        </li>
      ))}
    </ul>
  );
}
