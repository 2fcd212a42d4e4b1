// Every 429 says when to try again: in words on the page, and in Retry-After for software. Each
// refusal a page or the API can answer is driven here past its limit, and the source is checked so
// that a new 429 cannot be made another way.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { AppLoadContext } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { consumeRateLimit, rateLimits, type RateLimitRule } from "../../server/auth/rate-limit";
import { getDb } from "../../server/db/client";
import { post, seller, type FormAnswer } from "../../tests/helpers/routes";
import { loadContext } from "../../tests/helpers/users";
import { action as forgotAction } from "../routes/forgot-password";
import { action as loginAction } from "../routes/login";
import { action as resetAction } from "../routes/reset-password";
import { action as deleteAction } from "../routes/settings.data_.delete";
import { action as passwordAction } from "../routes/settings.password";
import { action as signupAction } from "../routes/signup";

type Answer = { data: FormAnswer; init: { status?: number; headers?: HeadersInit } | null };

async function exhaust(rule: RateLimitRule, subject: string) {
  const db = await getDb();
  for (let i = 0; i < rule.limit; i += 1) await consumeRateLimit(db, rule, subject);
}

/** The answer is a 429 whose Retry-After (in the answer and for the server to send) matches its words. */
function expectRetryAfter(answer: unknown, context: AppLoadContext) {
  const { data, init } = answer as Answer;
  expect(init?.status).toBe(429);
  const header = new Headers(init?.headers).get("retry-after");
  expect(header).toMatch(/^[1-9]\d*$/);
  expect(context.answerHeaders.get("retry-after")).toBe(header);
  const seconds = Number(header);
  const words = seconds < 60 ? `${seconds} second` : seconds <= 60 ? "a minute" : `${Math.ceil(seconds / 60)} minutes`;
  expect(data.formError).toContain(`wait ${words}`);
}

const withIp = (ip: string): AppLoadContext => ({ ...loadContext(), client: { ip, userAgent: null } });
const args = (request: Request, context: AppLoadContext) => ({ request, context, params: {} });

describe("every 429 carries Retry-After", () => {
  it("sign-in, when the account's ceiling is reached", async () => {
    await exhaust(rateLimits.signInPerAccount, "ceiling@example.test");
    const context = withIp("192.0.2.10");
    expectRetryAfter(
      await loginAction(args(post("/login", { email: "ceiling@example.test", password: "whatever" }), context)),
      context,
    );
  });

  it("sign-in, while one client waits out its backoff", async () => {
    const context = withIp("192.0.2.11");
    let answer: unknown;
    // Five free tries, then a wait of at least a second: the sixth attempt comes sooner or is counted,
    // and the account's ceiling (ten) refuses at the latest.
    for (let i = 0; i < 12 && (answer as Answer | undefined)?.init?.status !== 429; i += 1)
      answer = await loginAction(args(post("/login", { email: "backoff@example.test", password: "guess" }), context));
    expectRetryAfter(answer, context);
  });

  it("sign-up, forgot password and reset password", async () => {
    await exhaust(rateLimits.signUpPerIp, "192.0.2.12");
    const signup = withIp("192.0.2.12");
    expectRetryAfter(
      await signupAction(
        args(post("/signup", { name: "Lee", email: "lee429@example.test", password: "long enough password" }), signup),
      ),
      signup,
    );
    await exhaust(rateLimits.resetRequestPerAccount, "forgot429@example.test");
    const forgot = withIp("192.0.2.13");
    expectRetryAfter(
      await forgotAction(args(post("/forgot-password", { email: "forgot429@example.test" }), forgot)),
      forgot,
    );
    await exhaust(rateLimits.resetPerIp, "192.0.2.14");
    const reset = withIp("192.0.2.14");
    expectRetryAfter(
      await resetAction(args(post("/reset-password", { token: "t".repeat(43), password: "a new password!" }), reset)),
      reset,
    );
  });

  it("change password and delete account (with a password, or confirming with Google)", async () => {
    const { user, context } = await seller();
    await exhaust(rateLimits.changePasswordPerAccount, user.id);
    expectRetryAfter(
      await passwordAction(
        args(post("/settings/password", { currentPassword: "x", newPassword: "a long new password" }), context),
      ),
      context,
    );
    await exhaust(rateLimits.deleteAccountPerAccount, user.id);
    for (const intent of ["password", "google"]) {
      const fresh = { ...context, answerHeaders: new Headers() };
      expectRetryAfter(
        await deleteAction(
          args(post("/settings/data/delete", { intent, confirmEmail: user.email, password: "guess" }), fresh),
        ),
        fresh,
      );
    }
  });

  it("no 429 is made except by the one helper for pages and the one mapping for the API", () => {
    const root = path.resolve(__dirname, "../..");
    const makers = {
      "app/utils/auth-forms.server.ts": "tooManyRequests: every page's 429",
      "server/trpc/init.ts": "asTrpcError: RateLimitedError → TOO_MANY_REQUESTS (http.ts adds Retry-After)",
      // These read Claude's 429s; they answer none.
      "app/utils/brain-user-key.ts": "reads",
      "server/brain/claude.ts": "reads",
      // Reads Google's 429s (the sync backs off); answers none.
      "server/integrations/google/api-errors.ts": "reads",
      // Reads Outreach's 429s (the sync waits for the reset); answers none.
      "server/integrations/outreach/provider.ts": "reads",
      // Reads Stripe's 429s (after the client's own retries, a 503: Stripe is not answering); answers none.
      "server/billing/stripe-client.ts": "reads",
    } as Record<string, string>;
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (name === "generated" || name === "node_modules") continue;
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) {
          const relative = path.relative(root, full);
          if (makers[relative]) continue;
          // Code only: comments may talk about 429s.
          const code = readFileSync(full, "utf8")
            .replace(/\/\*[\s\S]*?\*\//g, "")
            .replace(/(^|[^:])\/\/.*$/gm, "$1");
          if (/\b429\b|TOO_MANY_REQUESTS/.test(code)) offenders.push(relative);
        }
      }
    };
    walk(path.join(root, "app"));
    walk(path.join(root, "server"));
    expect(offenders).toEqual([]);
  });
});
