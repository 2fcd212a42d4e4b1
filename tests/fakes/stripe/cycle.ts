// The test clock: moving "now" forward runs what falls due on the way, earliest first —
// trial_will_end three days before a trial ends; at a period's end the cancellation (with
// cancel_at_period_end) or the renewal invoice, charged; a failed charge's retries (RETRY_DAYS after
// the first failure), and after the last one the subscription is cancelled.
import { RETRY_DAYS, type Billing } from "./billing";
import { createInvoice } from "./invoices";
import { firstItem, intervalOf, periodEnd, type Json, type StripeObject } from "./store";

const DAY = 86_400;

type Due = { at: number; run: () => void };

export class Clock {
  constructor(private readonly billing: Billing) {}

  /** Moves the clock by `seconds`, running each due step at its own time. */
  advance(seconds: number): void {
    if (!(seconds >= 0)) throw new Error("The clock only moves forward");
    const store = this.billing.store;
    const target = store.now() + Math.floor(seconds);
    for (let guard = 0; guard < 10_000; guard += 1) {
      const next = this.nextDue(target);
      if (!next) break;
      store.setNow(next.at);
      next.run();
    }
    store.setNow(target);
  }

  /** The earliest step due by `target` across all subscriptions. */
  private nextDue(target: number): Due | null {
    let best: Due | null = null;
    const consider = (due: Due) => {
      if (due.at <= target && (!best || due.at < best.at)) best = due;
    };
    for (const subscription of this.billing.store.all("subscription").reverse()) {
      if (subscription.status === "canceled") continue;
      const end = firstItem(subscription).current_period_end as number;
      const trialEnd = subscription.trial_end as number | null;
      if (
        subscription.status === "trialing" &&
        trialEnd &&
        this.billing.store.trialWillEndSent.get(subscription.id) !== trialEnd
      )
        consider({
          at: Math.max(trialEnd - 3 * DAY, subscription.created),
          run: () => this.trialWillEnd(subscription),
        });
      const retry = this.openInvoice(subscription);
      if (retry && retry.next_payment_attempt)
        consider({ at: retry.next_payment_attempt as number, run: () => this.retry(subscription, retry) });
      consider({ at: end, run: () => this.periodEnds(subscription) });
    }
    return best;
  }

  private trialWillEnd(subscription: StripeObject): void {
    this.billing.store.trialWillEndSent.set(subscription.id, subscription.trial_end as number);
    this.billing.events.emit("customer.subscription.trial_will_end", subscription);
  }

  private openInvoice(subscription: StripeObject): StripeObject | undefined {
    return this.billing.store
      .all("invoice")
      .find((i) => i.status === "open" && this.billing.invoiceSubscription(i) === subscription.id);
  }

  private periodEnds(subscription: StripeObject): void {
    const { store, events } = this.billing;
    if (subscription.cancel_at_period_end) {
      this.billing.cancelNow(subscription, "cancellation_requested");
      return;
    }
    // A new period starts, its invoice is created and charged at once.
    const item = firstItem(subscription);
    const start = item.current_period_end as number;
    const price = item.price as Json;
    events.update("customer.subscription.updated", subscription, () => {
      const items = structuredClone(subscription.items as Json);
      const next = (items.data as Json[])[0]!;
      next.current_period_start = start;
      next.current_period_end = periodEnd(start, intervalOf(price));
      subscription.items = items;
      if (subscription.status === "trialing") subscription.status = "active";
    });
    const invoice = createInvoice(store, subscription, "subscription_cycle", price.unit_amount as number);
    events.emit("invoice.created", invoice);
    events.emit("invoice.finalized", invoice);
    const paid = this.billing.charge(invoice, subscription, null);
    events.update("customer.subscription.updated", subscription, () => {
      subscription.latest_invoice = invoice.id;
      subscription.status = paid ? "active" : "past_due";
    });
  }

  private retry(subscription: StripeObject, invoice: StripeObject): void {
    const { events } = this.billing;
    const attempts = invoice.attempt_count as number;
    const firstFailure = (invoice.next_payment_attempt as number) - RETRY_DAYS[attempts - 1]! * DAY;
    const paid = this.billing.charge(invoice, subscription, firstFailure);
    if (paid) {
      events.update("customer.subscription.updated", subscription, () => {
        subscription.status = "active";
      });
    } else if (invoice.next_payment_attempt === null) {
      this.billing.cancelNow(subscription, "payment_failed");
    }
  }
}
