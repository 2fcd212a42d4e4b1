import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { SourceBadges } from "../components/source-badge";
import { BackLink, Badge, ButtonLink, ConfirmDelete } from "../components/ui";
import { orNotFound } from "../utils/api-errors.server";
import { requireUser } from "../utils/auth.server";
import { formatCount, formatTier } from "../utils/format";
import { badRequest, formText, mutateOrAnswer } from "../utils/forms.server";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.account.name} · Accounts · Sales-as-Code` : "Account not found · Sales-as-Code" },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const api = await serverCaller(context);
  return { account: await orNotFound(api.accounts.get({ id: params.accountId ?? "" })) };
}

/** The header's delete (the tabs post to their own routes). */
export async function action({ request, context, params }: ActionFunctionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  if (formText(form, "intent") !== "delete") throw badRequest();
  const api = await serverCaller(context);
  return mutateOrAnswer(() => api.accounts.delete({ id: params.accountId ?? "" }), {
    fields: {},
    success: () => ({ path: "/accounts", toast: "account-deleted" }),
  });
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-900">{children}</dd>
    </div>
  );
}

export default function AccountLayout() {
  const { account } = useLoaderData<typeof loader>();
  const base = `/accounts/${account.id}`;
  const counts = account._count;
  const tabs = [
    { to: base, label: "Overview", end: true },
    { to: `${base}/people`, label: `People (${formatCount(counts.prospects)})` },
    { to: `${base}/deals`, label: `Deals (${formatCount(counts.opportunities)})` },
    { to: `${base}/timeline`, label: "Timeline" },
    { to: `${base}/notes`, label: `Notes (${formatCount(counts.notes)})` },
  ];
  return (
    <>
      <BackLink to="/accounts">Accounts</BackLink>
      <header className="mb-6 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200" data-testid="account-header">
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div>
            <div className="flex flex-wrap items-center gap-3">
              <h1 className="text-2xl font-semibold tracking-tight text-slate-900" data-testid="account-name">
                {account.name}
              </h1>
              {account.tier ? (
                <span data-testid="account-tier">
                  <Badge tone="blue">{formatTier(account.tier)}</Badge>
                </span>
              ) : null}
              <SourceBadges source={account.source} links={account.links} />
            </div>
            {account.domain ? <p className="mt-1 text-sm text-slate-600">{account.domain}</p> : null}
          </div>
          <div className="flex items-center gap-2">
            <ButtonLink to={`${base}/edit`} variant="secondary">
              Edit
            </ButtonLink>
            <ConfirmDelete
              label="Delete account"
              action={base}
              consequences={
                <>
                  Delete <strong>{account.name}</strong>? Its people, deals, conversations and meetings stay, no longer
                  linked to it.
                </>
              }
            />
          </div>
        </div>
        <dl className="mt-4 grid grid-cols-2 gap-4 sm:grid-cols-4 lg:grid-cols-7">
          <Fact label="Industry">{account.industry ?? "—"}</Fact>
          <Fact label="HQ">{account.hqCity ?? "—"}</Fact>
          <Fact label="Employees">{account.employeeCount === null ? "—" : formatCount(account.employeeCount)}</Fact>
          <Fact label="People">{formatCount(counts.prospects)}</Fact>
          <Fact label="Deals">{formatCount(counts.opportunities)}</Fact>
          <Fact label="Conversations">{formatCount(counts.conversations)}</Fact>
          <Fact label="Meetings">{formatCount(counts.meetings)}</Fact>
        </dl>
      </header>
      <nav aria-label="Account sections" className="mb-6 flex flex-wrap gap-1 border-b border-slate-200">
        {tabs.map((tab) => (
          <NavLink
            key={tab.to}
            to={tab.to}
            end={tab.end}
            className={({ isActive }) =>
              `-mb-px rounded-t-md border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-brand-600 ${isActive ? "border-brand-600 text-slate-900" : "border-transparent text-slate-600 hover:text-slate-900"}`
            }
            prefetch="intent"
          >
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </>
  );
}
