// The deals a person is on, with their role on each (Salesforce's contact roles).
import { Link } from "@remix-run/react";
import { formatMoney } from "../utils/format";
import { Badge } from "./ui";
import { DealStage } from "./deal-stage";

export type PersonDeal = {
  id: string;
  role: string | null;
  isPrimary: boolean;
  opportunity: {
    id: string;
    name: string;
    stage: string;
    crmStage: string | null;
    crmStageUnmapped: boolean;
    crmSource: string | null;
    amount: number | null;
    currency: string;
  };
};

export function PersonDeals({
  deals,
  firstName,
  stageLabels,
}: {
  deals: PersonDeal[];
  firstName: string;
  stageLabels: Record<string, string>;
}) {
  if (deals.length === 0)
    return <p className="text-sm text-slate-600">{firstName} is on no deal yet. Salesforce contact roles show here.</p>;
  return (
    <ul className="divide-y divide-slate-100 text-sm" data-testid="person-deals">
      {deals.map((onDeal) => (
        <li key={onDeal.id} className="py-2" data-testid="person-deal">
          <div className="flex flex-wrap items-start justify-between gap-x-3 gap-y-1">
            <Link
              to={`/opportunities/${onDeal.opportunity.id}`}
              className="min-w-0 break-words font-medium text-slate-900 hover:text-brand-600 hover:underline"
            >
              {onDeal.opportunity.name}
            </Link>
            <span className="tabular-nums text-xs text-slate-700">
              {formatMoney(onDeal.opportunity.amount, onDeal.opportunity.currency)}
            </span>
          </div>
          <div className="mt-1 flex flex-wrap items-center gap-1.5 text-xs text-slate-600">
            <span data-testid="person-deal-role">{onDeal.role ?? "No role given"}</span>
            {onDeal.isPrimary ? <Badge tone="green">Primary contact</Badge> : null}
            <span aria-hidden>·</span>
            <DealStage deal={onDeal.opportunity} labels={stageLabels} compact />
          </div>
        </li>
      ))}
    </ul>
  );
}
