// A table of people (the People page, an account's People tab): name linking to the person, title,
// account, role, status, email.
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { personName } from "../utils/format";
import { roleLabel, roleTone, statusLabel } from "../utils/person-labels";
import { Badge, TableHead } from "./ui";

export type PersonRow = {
  id: string;
  firstName: string;
  lastName: string;
  title: string | null;
  email: string | null;
  role: string;
  status: string;
  account: { id: string; name: string } | null;
};

export function PeopleTable({
  rows,
  showAccount,
  footer,
}: {
  rows: PersonRow[];
  showAccount: boolean;
  /** Under the table, inside its card: a pager (`PagerFooter frame="table"`). */
  footer?: ReactNode;
}) {
  return (
    <div className="overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <div className="overflow-x-auto">
        <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="prospects-table">
          <TableHead columns={["Name", "Title", showAccount ? "Account" : null, "Role", "Status", "Email"]} />
          <tbody className="divide-y divide-slate-100">
            {rows.map((person) => (
              <tr key={person.id} className="hover:bg-slate-50" data-testid="prospect-row">
                <td className="px-4 py-3">
                  <Link
                    to={`/prospects/${person.id}`}
                    className="font-medium text-slate-900 hover:text-brand-600 hover:underline"
                    data-testid="prospect-link"
                  >
                    {personName(person)}
                  </Link>
                </td>
                <td className="px-4 py-3 text-slate-700">{person.title ?? "—"}</td>
                {showAccount ? (
                  <td className="px-4 py-3 text-slate-700">
                    {person.account ? (
                      <Link to={`/accounts/${person.account.id}`} className="text-brand-600 hover:underline">
                        {person.account.name}
                      </Link>
                    ) : (
                      "—"
                    )}
                  </td>
                ) : null}
                <td className="px-4 py-3">
                  <Badge tone={roleTone(person.role)}>{roleLabel(person.role)}</Badge>
                </td>
                <td className={`px-4 py-3 ${person.status === "active" ? "text-slate-700" : "text-slate-500"}`}>
                  {statusLabel(person.status)}
                </td>
                <td className="px-4 py-3 text-slate-700">{person.email ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {footer}
    </div>
  );
}
