// Events as Stripe makes them (a snapshot of the object, previous_attributes on *.updated, the request
// that caused it) and their delivery: POSTed as JSON, signed `Stripe-Signature: t=…,v1=…` with
// HMAC-SHA256 over `${t}.${payload}`, one at a time in the order created. Answers are recorded; a
// non-2xx answer is not retried (a test re-delivers with deliver()).
import { createHmac } from "node:crypto";
import { API_VERSION, clone, newId, type Json, type Store, type StripeObject } from "./store";

export type RequestRef = { id: string | null; idempotency_key: string | null };
export type Delivery = { id: string; status: number; body: string };

export function signPayload(payload: string, secret: string, timestamp: number): string {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
  return `t=${timestamp},v1=${v1}`;
}

/** Top-level fields of `before` that differ in `after`, with their old values. */
export function previousAttributes(before: Json, after: Json): Json {
  const changed: Json = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed[key] = clone(before[key] ?? null);
  }
  return changed;
}

export class Events {
  /** The request whose handling is creating events (null for the clock and the hosted pages). */
  request: RequestRef = { id: null, idempotency_key: null };
  private readonly undelivered: string[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  readonly deliveries: Delivery[] = [];

  constructor(
    private readonly store: Store,
    private readonly secret: () => string,
    public webhookUrl: string | null,
  ) {}

  emit(type: string, object: StripeObject, previous?: Json): StripeObject {
    const event = this.store.put({
      id: newId("evt", 14),
      object: "event",
      api_version: API_VERSION,
      created: this.store.now(),
      data: {
        object: clone(object),
        ...(previous && Object.keys(previous).length ? { previous_attributes: previous } : {}),
      },
      livemode: false,
      pending_webhooks: this.webhookUrl ? 1 : 0,
      request: { ...this.request },
      type,
    });
    this.undelivered.push(event.id);
    return event;
  }

  /** Runs `change` on the object and emits `type` (e.g. customer.subscription.updated) with what changed. */
  update(type: string, object: StripeObject, change: () => void): StripeObject | null {
    const before = clone(object);
    change();
    const previous = previousAttributes(before, object);
    if (Object.keys(previous).length === 0) return null;
    return this.emit(type, object, previous);
  }

  /** Delivers every event not yet delivered, in order (no-op without a webhook URL). */
  flush(): Promise<unknown> {
    if (!this.webhookUrl) return this.queue;
    const ids = this.undelivered.splice(0);
    if (ids.length > 0) this.queue = this.queue.then(() => this.deliverAll(ids));
    return this.queue;
  }

  /** Delivers these events (again), in this order, each signed now. */
  deliver(ids: string[], options: { signatureSecret?: string; timestamp?: number } = {}): Promise<Delivery[]> {
    const run = this.queue.then(() => this.deliverAll(ids, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async deliverAll(ids: string[], options: { signatureSecret?: string; timestamp?: number } = {}) {
    const answers: Delivery[] = [];
    for (const id of ids) {
      const event = this.store.get(id, "event");
      if (!event) throw new Error(`No such event: ${id}`);
      answers.push(await this.post(event, options));
    }
    return answers;
  }

  private async post(
    event: StripeObject,
    options: { signatureSecret?: string; timestamp?: number },
  ): Promise<Delivery> {
    const url = this.webhookUrl;
    if (!url) throw new Error("No webhook URL is set (setWebhookUrl) to deliver events to");
    const payload = JSON.stringify(event, null, 2);
    const timestamp = options.timestamp ?? this.store.now();
    const signature = signPayload(payload, options.signatureSecret ?? this.secret(), timestamp);
    let delivery: Delivery;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json; charset=utf-8",
          "Stripe-Signature": signature,
          "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        },
        body: payload,
        redirect: "manual",
        signal: AbortSignal.timeout(30_000),
      });
      delivery = { id: event.id, status: response.status, body: await response.text() };
    } catch (error) {
      delivery = { id: event.id, status: 0, body: error instanceof Error ? error.message : String(error) };
    }
    if (delivery.status >= 200 && delivery.status < 300) event.pending_webhooks = 0;
    this.deliveries.push(delivery);
    return delivery;
  }
}
