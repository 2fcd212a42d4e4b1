// The pieces of Settings → Billing: the plan and why, the card as Stripe reports it, the invoices with
// Stripe's links, what each plan includes and the brain allowance. They only show what the billing
// module's overview says (server/billing/types.ts); no card field is ever rendered here (P6): the card
// is typed on Stripe's own page.
import { Form, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import type { BillingInterval, BillingOverview, Money } from "../../server/billing/types";
import { formatCount, formatDate } from "../utils/format";
import { Badge, Button, Card } from "./ui";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Money as Stripe gives it (minor units), with cents when there are some: $29, $290, $29.50. */
export function formatPrice(money: Money | null): string | null {
  if (!money) return null;
  const major = money.amount / 100;
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: money.currency.toUpperCase(),
    minimumFractionDigits: Number.isInteger(major) ? 0 : 2,
  }).format(major);
}

/** Whole days from `now` until `end`, rounded up (a trial ending in 2 h has 1 day left), never negative. */
export function daysLeft(end: Date, now: Date): number {
  return Math.max(0, Math.ceil((end.getTime() - now.getTime()) / DAY_MS));
}

const STATUS_LABELS: Record<string, string> = {
  active: "Active",
  trialing: "Trialing",
  past_due: "Past due",
  unpaid: "Unpaid",
  canceled: "Cancelled",
  incomplete: "Incomplete",
  incomplete_expired: "Expired",
  paused: "Paused",
};

export function subscriptionStatusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status.replace(/_/g, " ");
}

const INTERVAL_LABELS: Record<BillingInterval, string> = { month: "Monthly", year: "Yearly" };

function Fact({ term, children, testId }: { term: string; children: ReactNode; testId?: string }) {
  return (
    <div className="flex flex-col gap-1 py-3 first:pt-0 last:pb-0 sm:flex-row sm:items-center sm:justify-between sm:gap-4">
      <dt className="text-sm font-medium text-slate-600">{term}</dt>
      <dd className="text-sm text-slate-900 sm:text-right" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

/** What the plan is, and the sentence that says why. */
function planSentence(overview: BillingOverview, now: Date): ReactNode {
  const { entitlement, subscription } = overview;
  switch (entitlement.source) {
    case "unbilled":
      return "This instance has no billing: every feature is on, and nothing is charged.";
    case "trial": {
      const left = daysLeft(entitlement.trialEndsAt, now);
      return `Pro trial: ends on ${formatDate(entitlement.trialEndsAt)} (${left} ${left === 1 ? "day" : "days"} left). No card needed until you choose a plan.`;
    }
    case "grace":
      return `Your last payment failed. You keep Pro until ${entitlement.graceEndsAt ? formatDate(entitlement.graceEndsAt) : "the grace period ends"} — update your card under Manage billing.`;
    case "subscription":
      if (subscription?.cancelAtPeriodEnd && subscription.currentPeriodEnd)
        return `Your subscription cancels on ${formatDate(subscription.currentPeriodEnd)}; Pro stays on until then.`;
      if (subscription?.status === "trialing" && subscription.trialEnd)
        return `Pro, trialing until ${formatDate(subscription.trialEnd)}; then your card is charged.`;
      return "Pro, paid through Stripe.";
    case "free":
      if (subscription && (subscription.status === "canceled" || subscription.status === "incomplete_expired"))
        return "Free: your subscription has ended. Your data is all here; upgrade to turn Pro features back on.";
      if (subscription && subscription.status === "unpaid")
        return "Free: the payment did not go through within the grace period. Update your card under Manage billing.";
      return `Free: your Pro trial ended on ${formatDate(entitlement.trialEndsAt)}. Your data is all here; upgrade to turn Pro features back on.`;
  }
}

export function PlanCard({ overview, now }: { overview: BillingOverview; now: Date }) {
  const { entitlement, subscription } = overview;
  const pro = entitlement.plan === "pro";
  const renewal = formatPrice(subscription?.renewal ?? null);
  return (
    <Card title="Your plan">
      <div className="flex flex-wrap items-center gap-2" data-testid="billing-plan">
        <span className="text-base font-semibold text-slate-900">{pro ? "Pro" : "Free"}</span>
        {entitlement.source === "trial" ? <Badge tone="blue">Trial</Badge> : null}
        {entitlement.source === "grace" ? <Badge tone="amber">Payment failed</Badge> : null}
        {subscription?.cancelAtPeriodEnd && entitlement.source === "subscription" ? (
          <Badge tone="amber">Cancels at period end</Badge>
        ) : null}
      </div>
      <p className="mt-1 text-sm text-slate-700" data-testid="billing-plan-reason">
        {planSentence(overview, now)}
      </p>
      {subscription ? (
        <dl className="mt-4 divide-y divide-slate-100" data-testid="billing-subscription">
          <Fact term="Subscription" testId="billing-status">
            <Badge
              tone={subscription.status === "active" ? "green" : subscription.status === "past_due" ? "amber" : "slate"}
            >
              {subscriptionStatusLabel(subscription.status)}
            </Badge>
          </Fact>
          {subscription.interval ? <Fact term="Billed">{INTERVAL_LABELS[subscription.interval]}</Fact> : null}
          {subscription.currentPeriodEnd && !["canceled", "incomplete_expired"].includes(subscription.status) ? (
            <Fact term={subscription.cancelAtPeriodEnd ? "Cancels on" : "Next renewal"} testId="billing-renewal">
              {formatDate(subscription.currentPeriodEnd)}
              {!subscription.cancelAtPeriodEnd && renewal ? ` · ${renewal}` : ""}
            </Fact>
          ) : null}
        </dl>
      ) : null}
    </Card>
  );
}

/** Which button of the page's forms is being submitted (for its pending text, with JavaScript). */
function usePendingIntent(): string | null {
  const navigation = useNavigation();
  if (navigation.state === "idle" || !navigation.formData) return null;
  const intent = navigation.formData.get("intent");
  const interval = navigation.formData.get("interval");
  return typeof intent === "string" ? `${intent}${typeof interval === "string" ? `:${interval}` : ""}` : null;
}

/** Upgrade (to Stripe Checkout) and Manage billing (to Stripe's portal): plain forms, so they work without JavaScript. */
export function BillingActions({ overview }: { overview: BillingOverview }) {
  const pending = usePendingIntent();
  const { subscription, entitlement } = overview;
  const subscribed = subscription !== null && !["canceled", "incomplete_expired"].includes(subscription.status);
  const canUpgrade = overview.configured && !subscribed;
  if (!canUpgrade && !overview.hasCustomer) return null;
  return (
    <Card title={canUpgrade ? "Choose a plan" : "Manage your subscription"}>
      {canUpgrade ? (
        <p className="mb-3 text-sm text-slate-600">
          {entitlement.source === "trial"
            ? "Subscribe now and Pro carries on when the trial ends."
            : "Pro turns syncing and written brain answers back on."}{" "}
          You pay on Stripe’s page; your card never reaches us.
        </p>
      ) : (
        <p className="mb-3 text-sm text-slate-600">
          Change plan, cancel, update your card or download invoices on Stripe’s billing page.
        </p>
      )}
      <div className="flex flex-col gap-2 sm:flex-row sm:flex-wrap">
        {canUpgrade
          ? (["month", "year"] as const).map((interval) => {
              const price = formatPrice(overview.prices[interval]);
              const label = `Upgrade — ${interval === "month" ? "monthly" : "yearly"}${price ? ` ${price}` : ""}`;
              const mine = pending === `checkout:${interval}`;
              return (
                <Form method="post" key={interval}>
                  <input type="hidden" name="intent" value="checkout" />
                  <input type="hidden" name="interval" value={interval} />
                  <Button
                    type="submit"
                    variant={interval === "month" ? "primary" : "secondary"}
                    disabled={pending !== null}
                    className="w-full sm:w-auto"
                    data-testid={`upgrade-${interval}`}
                  >
                    {mine ? "Opening Stripe Checkout…" : label}
                  </Button>
                </Form>
              );
            })
          : null}
        {overview.hasCustomer ? (
          <Form method="post">
            <input type="hidden" name="intent" value="portal" />
            <Button
              type="submit"
              variant="secondary"
              disabled={pending !== null}
              className="w-full sm:w-auto"
              data-testid="manage-billing"
            >
              {pending === "portal" ? "Opening Stripe…" : "Manage billing"}
            </Button>
          </Form>
        ) : null}
      </div>
    </Card>
  );
}

function capitalise(text: string): string {
  return text.length > 0 ? `${text[0]!.toUpperCase()}${text.slice(1)}` : text;
}

export function CardOnFile({ overview }: { overview: BillingOverview }) {
  const { card } = overview;
  return (
    <Card title="Card on file">
      <p className="text-sm text-slate-900" data-testid="billing-card">
        {card
          ? `${capitalise(card.brand)} •••• ${card.last4}, expires ${String(card.expMonth).padStart(2, "0")}/${card.expYear}`
          : overview.stripeUnavailable && overview.hasCustomer
            ? "Not available right now"
            : "None"}
      </p>
      <p className="mt-1 text-xs text-slate-500">
        As Stripe reports it: Stripe holds the card; we never see or store its number.
      </p>
    </Card>
  );
}

const INVOICE_STATUS: Record<string, "green" | "amber" | "slate" | "red"> = {
  paid: "green",
  open: "amber",
  uncollectible: "red",
  void: "slate",
  draft: "slate",
};

export function InvoiceList({ overview }: { overview: BillingOverview }) {
  const { invoices } = overview;
  return (
    <Card title="Invoices">
      {invoices.length === 0 ? (
        <p className="text-sm text-slate-600" data-testid="billing-no-invoices">
          {overview.stripeUnavailable && overview.hasCustomer
            ? "Invoices cannot be read from Stripe right now."
            : "No invoices yet. Each payment’s invoice and receipt will be listed here."}
        </p>
      ) : (
        <ul className="divide-y divide-slate-100" data-testid="billing-invoices">
          {invoices.map((invoice) => (
            <li
              key={invoice.id}
              className="grid grid-cols-[1fr_auto] items-center gap-x-4 gap-y-1 py-2 text-sm sm:grid-cols-[8rem_1fr_6rem_6rem_auto]"
            >
              <span className="text-slate-900">{formatDate(invoice.created)}</span>
              <span className="order-last truncate text-slate-500 sm:order-none">{invoice.number ?? "—"}</span>
              <span className="text-right tabular-nums text-slate-900">{formatPrice(invoice.total)}</span>
              <span>
                {invoice.status ? (
                  <Badge tone={INVOICE_STATUS[invoice.status] ?? "slate"}>{capitalise(invoice.status)}</Badge>
                ) : null}
              </span>
              <span className="text-right">
                {invoice.hostedInvoiceUrl ? (
                  <a
                    href={invoice.hostedInvoiceUrl}
                    target="_blank"
                    rel="noreferrer noopener"
                    className="font-medium text-brand-600 hover:underline"
                    data-testid="invoice-link"
                  >
                    View on Stripe
                  </a>
                ) : invoice.invoicePdf ? (
                  <a href={invoice.invoicePdf} rel="noreferrer noopener" className="font-medium text-brand-600">
                    PDF
                  </a>
                ) : null}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function PlanComparison({ overview }: { overview: BillingOverview }) {
  const proPrice = formatPrice(overview.prices.month);
  const columns = [
    {
      name: "Free",
      price: "$0",
      items: [
        "Your whole workspace: accounts, people, deals, emails, meetings",
        "Search, import and export",
        "The brain, retrieval-only or with your own Anthropic key",
      ],
    },
    {
      name: "Pro",
      price: proPrice ? `${proPrice} a month` : null,
      items: [
        "Everything in Free",
        "Syncing Gmail, Google Calendar, Salesforce and Outreach",
        `Brain answers written with our Claude key (${formatCount(overview.brain.allowance)} a month)`,
      ],
    },
  ];
  return (
    <Card title="What each plan includes">
      <div className="grid gap-4 sm:grid-cols-2" data-testid="billing-plans">
        {columns.map((column) => (
          <div key={column.name} className="rounded-md p-3 ring-1 ring-slate-200">
            <p className="font-semibold text-slate-900">
              {column.name}
              {column.price ? <span className="ml-2 text-sm font-normal text-slate-500">{column.price}</span> : null}
            </p>
            <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-slate-700">
              {column.items.map((item) => (
                <li key={item}>{item}</li>
              ))}
            </ul>
          </div>
        ))}
      </div>
    </Card>
  );
}

/** Why the next answer would not be written with the server's key, or null if it would be. */
function brainLimit(overview: BillingOverview): "free" | "used_up" | "no_key" | null {
  const { brain, entitlement } = overview;
  if (brain.serverKey) return null;
  if (entitlement.plan === "free") return "free";
  if (entitlement.source !== "unbilled" && brain.used >= brain.allowance) return "used_up";
  return "no_key";
}

export function BrainAllowance({ overview }: { overview: BillingOverview }) {
  const { brain, entitlement } = overview;
  const limit = brainLimit(overview);
  const metered = entitlement.plan === "pro" && entitlement.source !== "unbilled" && limit !== "no_key";
  return (
    <Card title="Brain answers this month">
      <div className="space-y-2 text-sm text-slate-700" data-testid="billing-brain">
        {metered ? (
          <label className="block">
            {formatCount(brain.used)} of {formatCount(brain.allowance)} written answers used; resets on{" "}
            {formatDate(brain.resetsAt)}.
            <progress
              className="mt-2 block h-2 w-full"
              value={Math.min(brain.used, brain.allowance)}
              max={Math.max(1, brain.allowance)}
            >
              {formatCount(brain.used)} of {formatCount(brain.allowance)}
            </progress>
          </label>
        ) : entitlement.source === "unbilled" && limit === null ? (
          <p>{formatCount(brain.used)} written answers this month; this instance sets no limit.</p>
        ) : null}
        {limit === "free" ? (
          <p>
            On Free, answers are retrieval-only: the brain lists the records that match, each cited. Pro includes{" "}
            {formatCount(brain.allowance)} written answers a month; your own Anthropic key (Settings → API) writes them
            on any plan.
          </p>
        ) : limit === "used_up" ? (
          <p className="text-amber-800">
            This month’s allowance is used up: answers are retrieval-only until it resets (or use your own key).
          </p>
        ) : limit === "no_key" ? (
          <p>
            This server has no Claude key, so answers are retrieval-only on every plan; your own Anthropic key (Settings
            → API) writes them.
          </p>
        ) : null}
      </div>
    </Card>
  );
}
