// P8: transactional email only. A seller's whole account lifecycle, through the pages' own actions —
// sign up, sign in, change the password, forget it, reset it, delete the account — and the outbox
// (every mail we send goes through it, server/mail/outbox.ts) holds exactly the reset link and its
// confirmation. The kinds of mail the database can even hold are the transactional ones.
import { describe, expect, it } from "vitest";
import { handlePasswordResetRequests } from "../../server/auth/password-accounts";
import { readSessionToken, validateSessionToken } from "../../server/auth/session";
import { getDb } from "../../server/db/client";
import { env } from "../../server/env";
import { action as signupAction } from "../../app/routes/signup";
import { action as loginAction } from "../../app/routes/login";
import { action as passwordAction } from "../../app/routes/settings.password";
import { action as forgotAction } from "../../app/routes/forgot-password";
import { action as resetAction } from "../../app/routes/reset-password";
import { action as deleteAction } from "../../app/routes/settings.data_.delete";
import { loadContext } from "../helpers/users";

/** Every kind of mail the product may send: the transactional ones P8 names (the subscription notices
 *  are billing's: a failed payment, a trial about to end, a cancellation; receipts are Stripe's, and
 *  `subscription_receipt` is a kind the schema kept from before billing and nothing sends). */
const TRANSACTIONAL = [
  "password_reset",
  "password_reset_confirmation",
  "subscription_receipt",
  "payment_failed",
  "trial_ending",
  "subscription_cancelled",
];

function post(path: string, fields: Record<string, string>) {
  return new Request(`http://localhost${path}`, { method: "POST", body: new URLSearchParams(fields) });
}

async function signedInContext(response: Response) {
  const token = readSessionToken(
    response.headers
      .getSetCookie()
      .find((c) => c.startsWith("si_session="))
      ?.split(";")[0],
  );
  expect(token, "the answer signs the browser in").not.toBeNull();
  const validated = await validateSessionToken(await getDb(), token!);
  return loadContext({ user: validated!.user, session: validated!.session });
}

describe("P8: transactional email only", () => {
  it("P8: a whole account lifecycle mails the reset link and its confirmation, and nothing else", async () => {
    const db = await getDb();
    const email = "ivy.p8@example.test";
    const mails = () =>
      db.mailOutbox.findMany({
        where: { toEmail: email },
        orderBy: { createdAt: "asc" },
        select: { kind: true, textBody: true },
      });
    const args = (request: Request, context = loadContext()) => ({ request, context, params: {} });
    const signedUp = (await signupAction(
      args(post("/signup", { name: "Ivy", email, password: "first password here" })),
    )) as Response;
    expect(signedUp.status).toBe(302);
    const signedIn = (await loginAction(args(post("/login", { email, password: "first password here" })))) as Response;
    expect(signedIn.status).toBe(302);
    await passwordAction(
      args(
        post("/settings/password", { currentPassword: "first password here", newPassword: "second password here" }),
        await signedInContext(signedIn),
      ),
    );
    // Signing up, signing in and changing a password in the product mail nobody: no welcome, no tips.
    expect(await mails()).toEqual([]);

    await forgotAction(args(post("/forgot-password", { email })));
    // The request is handled off the request, by the job (its work, done here without a job system).
    await handlePasswordResetRequests(db, { appUrl: env().APP_URL });
    const [resetMail] = await mails();
    expect(resetMail?.kind).toBe("password_reset");
    const token = decodeURIComponent(resetMail!.textBody.match(/reset-password\?token=(\S+)/)![1]!);
    const reset = (await resetAction(
      args(post("/reset-password", { token, password: "third password here" })),
    )) as Response;
    expect(reset.status).toBe(302);
    const deleted = (await deleteAction(
      args(
        post("/settings/data/delete", { confirmEmail: email, password: "third password here" }),
        await signedInContext(reset),
      ),
    )) as Response;
    expect(deleted.headers.get("location")).toBe("/account-deleted");

    expect((await mails()).map((m) => m.kind)).toEqual(["password_reset", "password_reset_confirmation"]);
    // Plain text, with no link but to this app: nothing to track who opened what.
    for (const mail of await mails()) {
      for (const link of mail.textBody.match(/https?:\/\/\S+/g) ?? [])
        expect(link.startsWith("http://localhost:3000/"), link).toBe(true);
    }
  });

  it("P8: the outbox can only hold transactional kinds of mail", async () => {
    const db = await getDb();
    const rows = await db.$queryRawUnsafe<{ kind: string }[]>(
      `SELECT unnest(enum_range(NULL::"MailKind"))::text AS kind`,
    );
    expect(rows.map((r) => r.kind).sort()).toEqual([...TRANSACTIONAL].sort());
  });
});
