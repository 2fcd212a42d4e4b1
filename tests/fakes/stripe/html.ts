// The hosted pages' HTML: one layout (labelled as the fake's test mode, readable on a phone), the card
// fields (autocomplete cc-*), money and dates as Stripe's pages show them. No scripts: plain forms.

export function escapeHtml(value: unknown): string {
  const text =
    typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : "";
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export function money(cents: number, currency = "usd"): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(cents / 100);
}

export function day(seconds: number | null | undefined): string {
  if (!seconds) return "—";
  return new Date(seconds * 1000).toLocaleDateString("en-US", {
    year: "numeric",
    month: "long",
    day: "numeric",
    timeZone: "UTC",
  });
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1f36;background:#f6f9fc}
.banner{background:#ffde92;color:#5c3c00;text-align:center;font-size:14px;padding:6px 12px;font-weight:600}
main{max-width:480px;margin:0 auto;padding:24px 16px 48px}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:24px 0 8px}
.muted{color:#697386;font-size:14px}.price{font-size:28px;font-weight:700}
.card{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:20px;margin:16px 0}
label{display:block;font-size:14px;font-weight:600;margin:12px 0 4px}
input,select{width:100%;font:inherit;padding:10px 12px;border:1px solid #cfd7df;border-radius:6px;background:#fff}
.row{display:flex;gap:12px}.row>div{flex:1}
button{font:inherit;font-weight:600;border:0;border-radius:6px;padding:12px 16px;cursor:pointer;background:#635bff;color:#fff;width:100%;margin-top:16px}
button.secondary{background:#fff;color:#635bff;border:1px solid #cfd7df}
.error{background:#fde8e8;color:#a4161a;border-radius:6px;padding:10px 12px;margin:12px 0}
.notice{background:#e6f4ea;color:#1e5631;border-radius:6px;padding:10px 12px;margin:12px 0}
a{color:#635bff}table{width:100%;border-collapse:collapse;font-size:14px}td,th{text-align:left;padding:6px 4px;border-bottom:1px solid #e3e8ee}
.hint{font-size:13px;color:#697386;margin-top:12px}
`;

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Test mode — fake Stripe</title>
<style>${STYLE}</style>
</head>
<body>
<div class="banner" role="note">Test mode — fake Stripe. No real card is charged.</div>
<main>
${body}
</main>
</body>
</html>`;
}

/** The card inputs, shared by checkout and the portal's "update card". Values typed are kept only
 *  for the name (a card number is never echoed back into a page). */
export function cardFields(values: { name?: string } = {}): string {
  return `
<label for="name">Name on card</label>
<input id="name" name="name" autocomplete="cc-name" value="${escapeHtml(values.name ?? "")}" required>
<label for="number">Card number</label>
<input id="number" name="number" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234" required>
<div class="row">
  <div><label for="expiry">Expiry</label>
  <input id="expiry" name="expiry" inputmode="numeric" autocomplete="cc-exp" placeholder="MM / YY" required></div>
  <div><label for="cvc">CVC</label>
  <input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" placeholder="123" required></div>
</div>
<p class="hint">Test cards: 4242 4242 4242 4242 succeeds · 4000 0000 0000 0002 is declined · 4000 0000 0000 0341 pays now but fails renewals. Any future expiry and any CVC.</p>`;
}

export function errorBox(message: string | null | undefined): string {
  return message ? `<div class="error" role="alert">${escapeHtml(message)}</div>` : "";
}

export function noticeBox(message: string | null | undefined): string {
  return message ? `<div class="notice" role="status">${escapeHtml(message)}</div>` : "";
}

/** A one-page PDF with these lines (Helvetica, no images): the invoice_pdf download. */
export function simplePdf(lines: string[]): Buffer {
  const text = lines
    .map(
      (line, i) =>
        `BT /F1 ${i === 0 ? 18 : 11} Tf 56 ${780 - i * 22} Td (${line.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, "?")}) Tj ET`,
    )
    .join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${Buffer.byteLength(text)} >>\nstream\n${text}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}
