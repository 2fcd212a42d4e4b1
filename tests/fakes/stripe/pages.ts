// The hosted pages on the fake's own origin (never the app's: P6) — Checkout at a session's `url`,
// the customer portal at a portal session's `url`, and the hosted invoice (and its PDF). Plain
// server-rendered forms that work without JavaScript; each action POSTs here, changes the objects,
// and delivers the resulting events before redirecting (303).
import { z } from "zod";
import { parseCard, type Billing } from "./billing";
import { StripeApiError } from "./errors";
import type { Form } from "./form";
import { cardFields, day, errorBox, escapeHtml, money, noticeBox, page, simplePdf } from "./html";
import type { PageAnswer, PageRequest } from "./server";
import { firstItem, intervalOf, type Json, type StripeObject } from "./store";

const cardForm = z.object({
  name: z.string().trim().max(200).default(""),
  number: z.string().trim().min(1, "Enter your card number.").max(40),
  expiry: z
    .string()
    .trim()
    .regex(/^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/, "Enter the card's expiry as MM / YY."),
  cvc: z.string().trim().min(1, "Enter the card's security code (CVC).").max(8),
  email: z.string().trim().max(320).optional(),
});

/** Checkout's billing address for tax (automatic_tax): a country and its postal code. */
const COUNTRIES: Record<string, string> = {
  US: "United States",
  CA: "Canada",
  GB: "United Kingdom",
  DE: "Germany",
  FR: "France",
  NL: "Netherlands",
  AU: "Australia",
};
const addressForm = z.object({
  country: z.enum(Object.keys(COUNTRIES) as [string, ...string[]], { message: "Choose your country." }),
  // Optional on this page (the brief's checkout asks for the card only; a journey may not fill it).
  postal_code: z.preprocess(
    (value) => (typeof value === "string" ? value.trim() : ""),
    z.union([z.literal(""), z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$/, "Enter a valid postal code.")]),
  ),
});

type CardInput = z.infer<typeof cardForm>;

const ok = (html: string, status = 200): PageAnswer => ({ status, html });
const see = (location: string): PageAnswer => ({ status: 303, redirect: location });

export class HostedPages {
  constructor(
    private readonly billing: Billing,
    private readonly baseUrl: string,
  ) {}

  private get store() {
    return this.billing.store;
  }

  async handle(request: PageRequest): Promise<PageAnswer | null> {
    const { method, path } = request;
    let m: RegExpExecArray | null;
    if (path === "/" && method === "GET")
      return ok(
        page(
          "Fake Stripe",
          `<h1>Fake Stripe</h1><p class="muted">This server stands in for Stripe's API (at /v1) and its hosted pages, for tests and the demo.</p>`,
        ),
      );
    if ((m = /^\/c\/pay\/([^/]+)$/.exec(path))) {
      if (method === "GET") return this.checkout(m[1]!, null, {});
      if (method === "POST") return this.pay(m[1]!, request.form);
    }
    if ((m = /^\/p\/session\/([^/]+)(?:\/([a-z]+))?$/.exec(path))) {
      const portal = this.store.get(m[1]!, "billing_portal.session");
      if (!portal)
        return ok(
          page("Session not found", `<h1>This link has expired</h1><p>Return to the app and open billing again.</p>`),
          404,
        );
      return this.portal(portal, m[2] ?? "", request);
    }
    if ((m = /^\/i\/([^/]+)(\/pdf)?$/.exec(path)) && method === "GET") {
      const invoice = this.store.get(m[1]!, "invoice");
      if (!invoice) return ok(page("Invoice not found", `<h1>Invoice not found</h1>`), 404);
      return m[2] ? this.invoicePdf(invoice) : this.invoicePage(invoice);
    }
    return null;
  }

  // Checkout

  private checkout(id: string, error: string | null, values: Partial<CardInput>, status = 200): PageAnswer {
    const session = this.store.get(id, "checkout.session");
    if (!session) return ok(page("Checkout not found", `<h1>This checkout link is not valid</h1>`), 404);
    this.billing.expireIfDue(session);
    if (session.status !== "open") {
      const back = (session.status === "complete" ? session.success_url : session.cancel_url) as string | null;
      const href = back?.replace("{CHECKOUT_SESSION_ID}", session.id);
      return ok(
        page(
          "Checkout closed",
          `<h1>${session.status === "complete" ? "You're all set" : "This checkout has expired"}</h1>
<p>${session.status === "complete" ? "This checkout is already complete." : "Start again from the app to get a new checkout link."}</p>
${href ? `<p><a href="${escapeHtml(href)}">Return to Sales-as-Code</a></p>` : ""}`,
        ),
        410,
      );
    }
    const extra = this.store.sessionExtras.get(session.id)!;
    const price = this.store.need(extra.lineItems[0]!.price, "price");
    const product = this.store.get(price.product as string, "product");
    const interval = intervalOf(price);
    const email =
      (session.customer_email as string | null) ??
      (session.customer ? (this.store.get(session.customer as string, "customer")?.email as string | null) : null);
    const trial = extra.trialEnd
      ? `<p class="muted">Free until ${day(extra.trialEnd)}, then ${money(price.unit_amount as number, price.currency as string)} per ${interval}.</p>`
      : "";
    const body = `
${session.cancel_url ? `<p><a href="${escapeHtml(session.cancel_url)}">← Back</a></p>` : ""}
<div class="card">
  <p class="muted">Subscribe to</p>
  <h1>${escapeHtml(product?.name ?? "Subscription")}</h1>
  <p class="price">${money(price.unit_amount as number, price.currency as string)} <span class="muted">per ${interval}</span></p>
  ${trial}
</div>
<form method="post" action="${escapeHtml(`${this.baseUrl}/c/pay/${session.id}`)}" class="card">
  ${errorBox(error)}
  <label for="email">Email</label>
  ${email ? `<input id="email" name="email" type="email" value="${escapeHtml(email)}" readonly>` : `<input id="email" name="email" type="email" autocomplete="email" value="${escapeHtml(values.email ?? "")}" required>`}
  ${cardFields({ name: values.name })}
  ${extra.collectAddress ? addressFields() : ""}
  <button type="submit">${extra.trialEnd ? "Start trial" : "Subscribe"}</button>
</form>`;
    return ok(page(`Subscribe to ${(product?.name as string | undefined) ?? ""}`, body), status);
  }

  private async pay(id: string, form: Form): Promise<PageAnswer> {
    const session = this.store.get(id, "checkout.session");
    if (!session || session.status !== "open") return this.checkout(id, null, {});
    const parsed = cardForm.safeParse(form);
    if (!parsed.success) return this.checkout(id, parsed.error.issues[0]!.message, strings(form), 400);
    const email = parsed.data.email ?? "";
    if (!session.customer && !session.customer_email && !z.string().email().safeParse(email).success)
      return this.checkout(id, "Enter a valid email address.", parsed.data, 400);
    let address: z.infer<typeof addressForm> | null = null;
    if (this.store.sessionExtras.get(id)!.collectAddress) {
      const parsedAddress = addressForm.safeParse(form);
      if (!parsedAddress.success) return this.checkout(id, parsedAddress.error.issues[0]!.message, parsed.data, 400);
      address = { ...parsedAddress.data, postal_code: parsedAddress.data.postal_code.toUpperCase() };
    }
    try {
      const card = parseCard(toCard(parsed.data), this.store.nowDate());
      const redirect = this.billing.completeCheckout(
        id,
        { ...card, name: parsed.data.name || null },
        email || null,
        address,
      );
      await this.billing.events.flush();
      return see(redirect);
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      return this.checkout(id, error.message, parsed.data, error.status);
    }
  }

  // Portal

  private async portal(portal: StripeObject, action: string, request: PageRequest): Promise<PageAnswer | null> {
    const customer = this.store.need(portal.customer as string, "customer");
    const home = `${this.baseUrl}/p/session/${portal.id}`;
    const subscription = this.billing
      .subscriptionsOf(customer.id)
      .find((s) => s.status !== "canceled" && s.status !== "incomplete_expired");
    if (request.method === "GET" && action === "")
      return this.portalPage(portal, customer, subscription, request.query.get("notice"));
    if (request.method === "GET" && action === "card") return this.cardPage(portal, null, {});
    if (request.method !== "POST") return null;
    if (action === "card") {
      const parsed = cardForm.safeParse(request.form);
      if (!parsed.success) return this.cardPage(portal, parsed.error.issues[0]!.message, strings(request.form), 400);
      try {
        const card = parseCard(toCard(parsed.data), this.store.nowDate());
        this.billing.replaceCard(customer, { ...card, name: parsed.data.name || null });
      } catch (error) {
        if (!(error instanceof StripeApiError)) throw error;
        return this.cardPage(portal, error.message, parsed.data, error.status);
      }
      await this.billing.events.flush();
      return see(`${home}?notice=${encodeURIComponent("Your card was updated.")}`);
    }
    if (!subscription) return see(`${home}?notice=${encodeURIComponent("There is no active subscription to change.")}`);
    let notice: string;
    if (action === "plan") {
      const priceId = typeof request.form.price === "string" ? request.form.price : "";
      const price = this.store.get(priceId, "price");
      if (!price || !price.active) return see(`${home}?notice=${encodeURIComponent("Choose one of the plans shown.")}`);
      this.billing.changePrice(subscription, price);
      notice = `Your plan is now ${intervalOf(price) === "year" ? "yearly" : "monthly"}.`;
    } else if (action === "cancel") {
      this.billing.setCancelAtPeriodEnd(subscription, true);
      notice = `Your subscription will end on ${day(firstItem(subscription).current_period_end as number)}.`;
    } else if (action === "renew") {
      this.billing.setCancelAtPeriodEnd(subscription, false);
      notice = "Your subscription will renew.";
    } else return null;
    await this.billing.events.flush();
    return see(`${home}?notice=${encodeURIComponent(notice)}`);
  }

  private portalPage(
    portal: StripeObject,
    customer: StripeObject,
    subscription: StripeObject | undefined,
    notice: string | null,
  ): PageAnswer {
    const home = `${this.baseUrl}/p/session/${portal.id}`;
    const returnLink = portal.return_url
      ? `<p><a href="${escapeHtml(portal.return_url)}">← Return to Sales-as-Code</a></p>`
      : "";
    const pmId = (customer.invoice_settings as Json).default_payment_method as string | null;
    const pm = pmId ? this.store.get(pmId, "payment_method") : undefined;
    const card = pm?.card as Json | undefined;
    let plan = `<div class="card"><h2>Current plan</h2><p>No active subscription.</p></div>`;
    if (subscription) {
      const item = firstItem(subscription);
      const price = item.price as Json;
      const interval = intervalOf(price);
      const end = item.current_period_end as number;
      const status =
        subscription.status === "trialing"
          ? `Trial ends ${day(subscription.trial_end as number)}`
          : subscription.status === "past_due"
            ? "Payment failed — update your card"
            : subscription.cancel_at_period_end
              ? `Cancels ${day(end)}`
              : `Renews ${day(end)}`;
      const other = this.store.all("price").find((p) => p.active && p.product === price.product && p.id !== price.id);
      plan = `<div class="card">
  <h2>Current plan</h2>
  <p><strong>Sales-as-Code Pro</strong> · ${money(price.unit_amount as number, price.currency as string)} per ${interval}</p>
  <p class="muted">${escapeHtml(status)}</p>
  ${
    other
      ? `<form method="post" action="${escapeHtml(`${home}/plan`)}"><input type="hidden" name="price" value="${escapeHtml(other.id)}">
  <button type="submit" class="secondary">Switch to ${intervalOf(other) === "year" ? "yearly" : "monthly"} (${money(other.unit_amount as number, other.currency as string)} per ${intervalOf(other)})</button></form>`
      : ""
  }
  ${
    subscription.cancel_at_period_end
      ? `<form method="post" action="${escapeHtml(`${home}/renew`)}"><button type="submit">Don't cancel</button></form>`
      : `<form method="post" action="${escapeHtml(`${home}/cancel`)}"><button type="submit" class="secondary">Cancel plan</button></form>`
  }
</div>`;
    }
    const invoices = this.store.all("invoice").filter((i) => i.customer === customer.id);
    const rows = invoices
      .map(
        (i) =>
          `<tr><td>${day(i.created)}</td><td>${money(i.total as number, i.currency as string)}</td><td>${escapeHtml(i.status)}</td><td><a href="${escapeHtml(i.hosted_invoice_url)}">View</a></td></tr>`,
      )
      .join("");
    const body = `${returnLink}
<h1>Billing</h1>
<p class="muted">${escapeHtml(customer.email ?? "")}</p>
${noticeBox(notice)}
${plan}
<div class="card">
  <h2>Payment method</h2>
  <p>${card ? `${escapeHtml(String(card.brand).toUpperCase())} •••• ${escapeHtml(card.last4)} · expires ${escapeHtml(card.exp_month)}/${escapeHtml(card.exp_year)}` : "No card on file."}</p>
  <p><a href="${escapeHtml(`${home}/card`)}">Update card</a></p>
</div>
<div class="card">
  <h2>Invoice history</h2>
  ${rows ? `<table><thead><tr><th>Date</th><th>Amount</th><th>Status</th><th></th></tr></thead><tbody>${rows}</tbody></table>` : "<p>No invoices yet.</p>"}
</div>`;
    return ok(page("Billing", body));
  }

  private cardPage(portal: StripeObject, error: string | null, values: Partial<CardInput>, status = 200): PageAnswer {
    const home = `${this.baseUrl}/p/session/${portal.id}`;
    const body = `<p><a href="${escapeHtml(home)}">← Back</a></p>
<form method="post" action="${escapeHtml(`${home}/card`)}" class="card">
  <h1>Update card</h1>
  ${errorBox(error)}
  ${cardFields({ name: values.name })}
  <button type="submit">Save card</button>
</form>`;
    return ok(page("Update card", body), status);
  }

  // Invoices

  private invoicePage(invoice: StripeObject): PageAnswer {
    const line = ((invoice.lines as Json).data as Json[])[0];
    const period = line?.period as Json | undefined;
    const body = `<div class="card">
  <p class="muted">Sales-as-Code</p>
  <h1>${invoice.status === "paid" ? "Receipt" : "Invoice"} ${escapeHtml(invoice.number)}</h1>
  <p class="price">${money(invoice.total as number, invoice.currency as string)}</p>
  <p class="muted">${invoice.status === "paid" ? `Paid ${day((invoice.status_transitions as Json).paid_at as number)}` : `Status: ${escapeHtml(invoice.status)}`}</p>
  <table><tbody>
    <tr><td>${escapeHtml(line?.description ?? "Subscription")}</td><td>${money((line?.amount as number) ?? 0, invoice.currency as string)}</td></tr>
    <tr><td>Period</td><td>${day(period?.start as number)} – ${day(period?.end as number)}</td></tr>
    <tr><td>Billed to</td><td>${escapeHtml(invoice.customer_email ?? "")}</td></tr>
  </tbody></table>
  <p><a href="${escapeHtml(invoice.invoice_pdf)}">Download PDF</a></p>
</div>`;
    return ok(page(`Invoice ${String(invoice.number)}`, body));
  }

  private invoicePdf(invoice: StripeObject): PageAnswer {
    const pdf = simplePdf([
      `Sales-as-Code - ${invoice.status === "paid" ? "Receipt" : "Invoice"} ${String(invoice.number)}`,
      `Amount: ${money(invoice.total as number, invoice.currency as string)}`,
      `Status: ${String(invoice.status)}`,
      `Billed to: ${(invoice.customer_email as string | null) ?? ""}`,
      `Date: ${day(invoice.created)}`,
      "Test mode - fake Stripe",
    ]);
    return { status: 200, contentType: "application/pdf", body: pdf };
  }
}

function addressFields(): string {
  const options = Object.entries(COUNTRIES)
    .map(([code, name]) => `<option value="${code}">${escapeHtml(name)}</option>`)
    .join("");
  return `<div class="row">
  <div><label for="country">Country</label>
  <select id="country" name="country" autocomplete="country" required>${options}</select></div>
  <div><label for="postal_code">Postal code (optional)</label>
  <input id="postal_code" name="postal_code" autocomplete="postal-code"></div>
</div>`;
}

function strings(form: Form): Partial<CardInput> {
  return {
    name: typeof form.name === "string" ? form.name : "",
    email: typeof form.email === "string" ? form.email : "",
  };
}

function toCard(input: CardInput) {
  const [, month, year] = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(input.expiry)!;
  return {
    number: input.number,
    expMonth: Number(month),
    expYear: year!.length === 2 ? 2000 + Number(year) : Number(year),
    cvc: input.cvc,
  };
}
