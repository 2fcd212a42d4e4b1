import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { Badge, Card } from "../components/ui";
import { requireUser } from "../utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Billing · Settings · Sales-as-Code" }];

export function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  return null;
}

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="flex items-center justify-between gap-4 py-3 first:pt-0 last:pb-0">
      <dt className="text-sm font-medium text-slate-600">{term}</dt>
      <dd className="text-sm text-slate-900">{children}</dd>
    </div>
  );
}

/**
 * Billing is not built yet, and the page says so rather than showing plans or buttons that do
 * nothing. What it will keep is spelled out now because the privacy page already promises it (P6).
 */
export default function Billing() {
  return (
    <div className="max-w-2xl space-y-6">
      <div>
        <h2 className="text-lg font-semibold text-slate-900">Billing</h2>
        <p className="text-sm text-slate-600">What you pay for Sales-as-Code, and what we keep to bill you.</p>
      </div>

      <Card title="Your plan">
        <p className="text-sm text-slate-700" data-testid="billing-state">
          This instance of Sales-as-Code has no billing yet. Nothing is charged, so there is nothing to pay, upgrade or
          cancel.
        </p>
        <dl className="mt-4 divide-y divide-slate-100" data-testid="billing-facts">
          <Row term="Plan">
            <Badge>None</Badge>
          </Row>
          <Row term="Subscription">
            <Badge>None</Badge>
          </Row>
          <Row term="Card on file">
            <Badge>None</Badge>
          </Row>
        </dl>
      </Card>

      <Card title="When billing arrives">
        <div className="space-y-2 text-sm text-slate-700" data-testid="billing-promise">
          <p>
            Stripe will hold your card: you will enter it on Stripe’s own payment page, and the card number will never
            touch our servers.
          </p>
          <p>
            We will keep only Stripe’s customer id for you, your subscription’s status and plan, and its period dates.
            Receipts will come by email; apart from password-reset mail, they are the only email we send.
          </p>
          <p>
            <Link to="/privacy#p6" className="font-medium text-brand-600 hover:underline">
              Read the privacy promise about payments
            </Link>
          </p>
        </div>
      </Card>
    </div>
  );
}
