import { describe, expect, it } from "vitest";
import { hashPassword } from "../../server/auth/password";
import { handlePasswordResetRequests } from "../../server/auth/password-accounts";
import { readSessionToken, validateSessionToken } from "../../server/auth/session";
import { isKnownClient, rateLimits } from "../../server/auth/rate-limit";
import { DELETION_PENDING_MESSAGE } from "../../server/auth/sign-in";
import { requestAccountDeletion } from "../../server/data-rights/delete-account";
import { getDb } from "../../server/db/client";
import { get, post, type Answer as RouteAnswer, type FormAnswer } from "../../tests/helpers/routes";
import { createUser, loadContext, signIn } from "../../tests/helpers/users";
import { action as loginAction } from "./login";
import { WRONG_CREDENTIALS } from "./login.server";
import { action as logoutAction } from "./logout";
import { action as signupAction } from "./signup";
import { action as forgotAction } from "./forgot-password";
import { RESET_REQUESTED } from "./forgot-password.server";
import { loader as resetLoader, action as resetAction } from "./reset-password";

type Answer = RouteAnswer<FormAnswer & { success?: string }>;

const args = (request: Request, context = loadContext()) => ({ request, context, params: {} });
function cookieFrom(response: Response): string | null {
  return readSessionToken(
    response.headers
      .getSetCookie()
      .find((c) => c.startsWith("si_session="))
      ?.split(";")[0],
  );
}

/** A request context from another address (an attacker's, or the owner's at home). */
const from = (ip: string) => ({ ...loadContext(), client: { ip, userAgent: null } });

async function userWithPassword(password = "the right password") {
  const db = await getDb();
  const user = await createUser(db);
  await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
  return { db, user, password };
}

describe("/login", () => {
  it("signs in, sets the session cookie, and goes to the same-site page it was asked for", async () => {
    const { db, user, password } = await userWithPassword();
    const response = (await loginAction(
      args(post("/login", { email: user.email.toUpperCase(), password, redirectTo: "/settings/sessions" })),
    )) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/settings/sessions");
    const token = cookieFrom(response)!;
    expect((await validateSessionToken(db, token))?.user.id).toBe(user.id);
  });

  it("ignores a redirect to another site", async () => {
    const { user, password } = await userWithPassword();
    for (const evil of ["https://evil.example/", "//evil.example", "/\\evil.example"]) {
      const response = (await loginAction(
        args(post("/login", { email: user.email, password, redirectTo: evil })),
      )) as Response;
      expect(response.headers.get("location")).toBe("/dashboard");
    }
  });

  it("replaces any session the browser brought (no session fixation)", async () => {
    const { db, user, password } = await userWithPassword();
    const planted = await signIn(db, (await createUser(db)).id);
    const response = (await loginAction(
      args(post("/login", { email: user.email, password }), loadContext(planted.auth)),
    )) as Response;
    const token = cookieFrom(response)!;
    expect(token).not.toBe(planted.token);
    expect(await validateSessionToken(db, planted.token)).toBeNull();
    expect(await db.session.count({ where: { id: planted.session.id } })).toBe(0);
  });

  it("says the same for a wrong password and an unknown email, with field errors for bad input", async () => {
    const { user } = await userWithPassword();
    const wrong = (await loginAction(
      args(post("/login", { email: user.email, password: "not it at all" })),
    )) as unknown as Answer;
    const unknown = (await loginAction(
      args(post("/login", { email: "nobody@example.test", password: "not it at all" })),
    )) as unknown as Answer;
    expect(wrong.init?.status).toBe(401);
    expect(wrong.data.formError).toBe(WRONG_CREDENTIALS);
    expect(unknown.init?.status).toBe(401);
    expect(unknown.data).toEqual({ formError: WRONG_CREDENTIALS, fields: { email: "nobody@example.test" } });
    const invalid = (await loginAction(
      args(post("/login", { email: "not-an-email", password: "" })),
    )) as unknown as Answer;
    expect(invalid.init?.status).toBe(400);
    expect(invalid.data.fieldErrors).toEqual({
      email: "Enter a valid email address.",
      password: "Enter your password.",
    });
  });

  it("P11: refuses an account being deleted with a clear message — only to someone who knows its password", async () => {
    const { db, user, password } = await userWithPassword();
    await requestAccountDeletion(db, user.id);
    const refused = (await loginAction(args(post("/login", { email: user.email, password })))) as unknown as Answer;
    expect(refused.init?.status).toBe(403);
    expect(refused.data.formError).toBe(DELETION_PENDING_MESSAGE);
    const guess = (await loginAction(
      args(post("/login", { email: user.email, password: "a wrong guess" })),
    )) as unknown as Answer;
    expect(guess.data.formError).toBe(WRONG_CREDENTIALS);
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("answers 429 with a clear message and Retry-After once an account is tried too often", async () => {
    const { user, password } = await userWithPassword();
    const context = loadContext();
    let last: Answer | Response | undefined;
    for (let i = 0; i < rateLimits.signInPerAccount.limit + 1; i += 1) {
      last = await loginAction(
        args(post("/login", { email: user.email, password: "wrong password!" }), {
          ...context,
          client: { ip: `10.9.${i}.1`, userAgent: null },
        }),
      );
    }
    const limited = last as Answer;
    expect(limited.init?.status).toBe(429);
    expect(limited.data.formError).toMatch(/Too many attempts.*wait/);
    expect(new Headers(limited.init?.headers).get("retry-after")).toMatch(/^\d+$/);
    // Even the right password waits: guessing gets no answer while limited.
    const right = (await loginAction(
      args(post("/login", { email: user.email, password }), {
        ...context,
        client: { ip: "10.9.99.1", userAgent: null },
      }),
    )) as unknown as Answer;
    expect(right.init?.status).toBe(429);
  });
});

describe("/login throttling (known clients cannot be locked out)", () => {
  it("an attacker's wrong passwords from other IPs do not lock out the owner's known client (an IP that signed in before)", async () => {
    const { db, user, password } = await userWithPassword();
    // The owner signed in from home before: that address is a known client of the account.
    const first = (await loginAction(
      args(post("/login", { email: user.email, password }), from("198.51.100.7")),
    )) as Response;
    expect(first.status).toBe(302);
    // An attacker guesses from many addresses.
    for (let i = 1; i <= 12; i += 1) {
      await loginAction(
        args(post("/login", { email: user.email, password: "a wrong guess!" }), from(`203.0.113.${i}`)),
      );
    }
    // A client that never signed in to this account now waits, even with the right password ...
    const stranger = (await loginAction(
      args(post("/login", { email: user.email, password }), from("192.0.2.50")),
    )) as unknown as Answer;
    expect(stranger.init?.status).toBe(429);
    // ... but the owner signs in from home, and gets only the session cookie (P13).
    const owner = (await loginAction(
      args(post("/login", { email: user.email, password }), from("198.51.100.7")),
    )) as Response;
    expect(owner.status).toBe(302);
    expect((await validateSessionToken(db, cookieFrom(owner)!))?.user.id).toBe(user.id);
    expect(owner.headers.getSetCookie().map((c) => c.split("=")[0])).toEqual(["si_session"]);
  });

  it("an address known to another account does not exempt a client from this account's ceiling", async () => {
    const victim = await userWithPassword();
    const attacker = await userWithPassword("the attacker's own password");
    const own = (await loginAction(
      args(post("/login", { email: attacker.user.email, password: attacker.password }), from("10.7.99.1")),
    )) as Response;
    expect(own.status).toBe(302);
    for (let i = 0; i < rateLimits.signInPerAccount.limit; i += 1) {
      await loginAction(args(post("/login", { email: victim.user.email, password: "guess" }), from(`10.7.${i}.1`)));
    }
    const fromKnownAddress = (await loginAction(
      args(post("/login", { email: victim.user.email, password: victim.password }), from("10.7.99.1")),
    )) as unknown as Answer;
    expect(fromKnownAddress.init?.status).toBe(429);
  });

  it("sign-up makes its address a known client of the new account", async () => {
    const db = await getDb();
    const response = (await signupAction(
      args(
        post("/signup", { name: "Kim", email: "Kim@Example.test", password: "long enough password" }),
        from("192.0.2.61"),
      ),
    )) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.getSetCookie().map((c) => c.split("=")[0])).toEqual(["si_session"]);
    expect(await isKnownClient(db, "kim@example.test", "192.0.2.61")).toBe(true);
    expect(await isKnownClient(db, "kim@example.test", "192.0.2.62")).toBe(false);
  });
});

describe("/logout", () => {
  it("ends the session server-side: the old cookie is refused afterwards", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const { token, auth } = await signIn(db, user.id);
    const response = (await logoutAction(args(post("/logout", {}), loadContext(auth)))) as Response;
    expect(response.headers.get("set-cookie")).toMatch(/^si_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/);
    expect(await validateSessionToken(db, token)).toBeNull();
  });
});

describe("/signup", () => {
  it("creates the account and signs in; explains what is wrong with bad input", async () => {
    const db = await getDb();
    const response = (await signupAction(
      args(post("/signup", { name: "Lee", email: "lee@example.test", password: "long enough password" })),
    )) as Response;
    expect(response.status).toBe(302);
    const session = await validateSessionToken(db, cookieFrom(response)!);
    expect(session?.user.email).toBe("lee@example.test");
    const bad = (await signupAction(
      args(post("/signup", { name: "", email: "lee@", password: "short" })),
    )) as unknown as Answer;
    expect(bad.init?.status).toBe(400);
    expect(bad.data.fieldErrors).toEqual({
      name: "Enter your name.",
      email: "Enter a valid email address.",
      password: "Use at least 10 characters.",
    });
  });
});

describe("forgot and reset password", () => {
  it("never says whether the email has an account", async () => {
    const { user } = await userWithPassword();
    const known = (await forgotAction(args(post("/forgot-password", { email: user.email })))) as unknown as Answer;
    const unknown = (await forgotAction(
      args(post("/forgot-password", { email: "ghost@example.test" })),
    )) as unknown as Answer;
    expect(known.data).toEqual({ success: RESET_REQUESTED });
    expect(unknown.data).toEqual(known.data);
    expect(unknown.init?.status).toBe(known.init?.status);
  });

  it("resets with the mailed link, signs this browser in and every other session out", async () => {
    const { db, user } = await userWithPassword();
    const elsewhere = await signIn(db, user.id);
    await forgotAction(args(post("/forgot-password", { email: user.email })));
    // The request only queued the work; the job (not running here) looks the email up and mails.
    expect(await db.mailOutbox.count({ where: { userId: user.id } })).toBe(0);
    expect(await handlePasswordResetRequests(db, { appUrl: "http://localhost" })).toBeGreaterThanOrEqual(1);
    const mail = await db.mailOutbox.findFirstOrThrow({ where: { userId: user.id, kind: "password_reset" } });
    const token = decodeURIComponent(mail.textBody.match(/token=(\S+)/)![1]!);

    expect(await resetLoader(args(get(`/reset-password?token=${token}`)))).toEqual({
      token,
      valid: true,
    });
    const response = (await resetAction(
      args(post("/reset-password", { token, password: "a fresh new password" }), from("192.0.2.77")),
    )) as Response;
    expect(response.status).toBe(302);
    expect((await validateSessionToken(db, cookieFrom(response)!))?.user.id).toBe(user.id);
    expect(await validateSessionToken(db, elsewhere.token)).toBeNull();
    expect(response.headers.getSetCookie().map((c) => c.split("=")[0])).toEqual(["si_session"]);
    // The address that proved the mailbox is a known client of the account from now on.
    expect(await isKnownClient(db, user.email, "192.0.2.77")).toBe(true);

    expect(await resetLoader(args(get(`/reset-password?token=${token}`)))).toEqual({
      token,
      valid: false,
    });
    const again = (await resetAction(
      args(post("/reset-password", { token, password: "another new password" })),
    )) as unknown as Answer;
    expect(again.data.formError).toMatch(/expired or was already used/);
  });
});
