import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import {
  BillingActions,
  BrainAllowance,
  CardOnFile,
  InvoiceList,
  PlanCard,
  PlanComparison,
} from "../components/billing-overview";
import { FormMessage } from "../components/forms";
import { requireUser } from "../utils/auth.server";
import { serverCaller } from "../utils/trpc.server";
import { billingAction, checkoutReturn } from "./settings.billing.server";

export const meta: MetaFunction = () => [{ title: "Billing · Settings · Sales-as-Code" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const url = new URL(request.url);
  const api = await serverCaller(context);
  const back = await checkoutReturn(api, url);
  if (back) throw back;
  const overview = await api.billing.overview();
  return { overview, now: new Date(), notice: url.searchParams.get("toast") };
}

/** Upgrade (intent=checkout, interval=month|year) and Manage billing (intent=portal): 303 to Stripe's page. */
export async function action({ request, context }: ActionFunctionArgs) {
  requireUser(context, request);
  return billingAction(await serverCaller(context), await request.formData());
}

/** The one-time notices after Stripe Checkout sends the seller back (shown beside the toast, in the page). */
const NOTICES = {
  "billing-upgraded": { tone: "success", text: "You’re on Pro. Syncing and written brain answers are on." },
  "checkout-cancelled": { tone: "info", text: "Checkout cancelled — nothing was charged." },
  "checkout-unconfirmed": {
    tone: "info",
    text: "Stripe has not confirmed the payment yet. This page shows Pro as soon as it does; nothing is charged twice.",
  },
  "checkout-not-yours": { tone: "info", text: "That checkout is not one of yours, so nothing changed." },
} as const;

export default function Billing() {
  const { overview, now, notice } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const shown = notice && notice in NOTICES ? NOTICES[notice as keyof typeof NOTICES] : null;
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <h2 className="text-lg font-semibold text-slate-900">Billing</h2>
        <p className="text-sm text-slate-600">
          Your plan, what it includes, and what you have paid. Stripe holds your card;{" "}
          <Link to="/privacy#p6" className="font-medium text-brand-600 hover:underline">
            we keep only Stripe’s ids, your plan, and the subscription’s status and dates
          </Link>
          .
        </p>
      </div>
      {shown ? (
        <FormMessage tone={shown.tone} testId="billing-notice">
          {shown.text}
        </FormMessage>
      ) : null}
      {answer && "formError" in answer ? (
        <FormMessage tone="error" testId="billing-error">
          {answer.formError} Nothing was changed.
        </FormMessage>
      ) : null}
      {overview.stripeUnavailable ? (
        <FormMessage tone="info" testId="billing-stripe-unavailable">
          Stripe cannot be reached right now, so your card, invoices and prices are not shown. Your plan below is what
          we last heard from Stripe; try again in a few minutes.
        </FormMessage>
      ) : null}
      <PlanCard overview={overview} now={now} />
      <BillingActions overview={overview} />
      {overview.configured ? (
        <div className="grid gap-6 md:grid-cols-2">
          <CardOnFile overview={overview} />
          <BrainAllowance overview={overview} />
        </div>
      ) : (
        <BrainAllowance overview={overview} />
      )}
      {overview.configured ? <InvoiceList overview={overview} /> : null}
      <PlanComparison overview={overview} />
    </div>
  );
}
