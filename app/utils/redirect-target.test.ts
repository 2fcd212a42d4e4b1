import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUpWithPassword } from "../../server/auth/password-accounts";
import { getDb } from "../../server/db/client";
import { startRemixTestServer } from "../../tests/helpers/remix-server";
import { createUser, signIn } from "../../tests/helpers/users";
import { safeHref } from "../components/brain-markdown";
import { safeRedirectPath } from "./auth.server";
import { sameOriginPath } from "./redirect-target";

/** Targets that leave our origin in some browser, or cannot go in a Location header as they are. */
const HOSTILE = [
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r\n/evil.example",
  "/\r/evil.example",
  "\t//evil.example",
  "/\\evil.example",
  "/\\/evil.example",
  "//evil.example",
  "///evil.example",
  "/.//evil.example",
  "/..//evil.example",
  "https://evil.example",
  "http:evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "data:text/html,x",
  "evil.example",
  "",
  "/\u0000/evil.example",
  "/\u007f/evil.example",
  "/\u0085/evil.example",
  "/accounts\r\nSet-Cookie: x=1",
];

describe("one redirect-target check", () => {
  it.each(HOSTILE)("refuses %j", (target) => {
    expect(sameOriginPath(target)).toBeNull();
    expect(safeRedirectPath(target)).toBe("/dashboard");
    // A brain answer may link to another website on purpose (shown as external); nothing else passes.
    if (!/^https?:\/\//.test(target)) expect(safeHref(target)).toBeNull();
  });

  it("keeps our own paths, query and fragment", () => {
    for (const path of ["/dashboard", "/accounts/abc?tab=notes#n2", "/brain/t1?x=1&y=%2F", "/"]) {
      expect(sameOriginPath(path)).toBe(path);
      expect(safeHref(path)).toBe(path);
    }
    expect(safeRedirectPath(null)).toBe("/dashboard");
    expect(safeRedirectPath(undefined, "/brain")).toBe("/brain");
  });

  it("keeps an encoded tab as text on our origin, and percent-encodes what a header cannot carry", () => {
    // "%09" is three characters of a path here, not a tab: it stays on our origin.
    expect(sameOriginPath("/%09/evil.example")).toBe("/%09/evil.example");
    expect(sameOriginPath("/。")).toBe("/%E3%80%82");
    expect(sameOriginPath("/accounts?q=Café")).toBe("/accounts?q=Caf%C3%A9");
    for (const path of ["/。", "/accounts?q=Café", "/x#ü"]) {
      expect(sameOriginPath(path)).toMatch(/^[\u0021-\u007e]+$/);
    }
  });
});

describe("redirects over HTTP stay on our origin", () => {
  let server: Awaited<ReturnType<typeof startRemixTestServer>>;
  beforeAll(async () => {
    server = await startRemixTestServer({
      routes: { login: "login.tsx", demo: "demo.tsx" },
      env: { APP_URL: "http://app.test" },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  const targets = [...HOSTILE.filter((t) => t !== ""), "/%E3%80%82", "/。"];

  /** Where a browser at our origin would go for this Location. */
  const landing = (response: Response) => new URL(response.headers.get("location") ?? "", "http://app.test/login");

  it("GET /login?redirectTo=… when signed in: 302 to a path of ours, never a 500", async () => {
    const db = await getDb();
    const { cookie } = await signIn(db, (await createUser(db)).id);
    for (const target of targets) {
      const response = await fetch(`${server.url}/login?${new URLSearchParams({ redirectTo: target })}`, {
        headers: { cookie },
        redirect: "manual",
      });
      expect(response.status, JSON.stringify(target)).toBe(302);
      expect(landing(response).origin, JSON.stringify(target)).toBe("http://app.test");
    }
  });

  it("POST /demo with a hostile redirectTo signs in and lands on our origin", async () => {
    for (const target of targets) {
      const response = await fetch(`${server.url}/demo`, {
        method: "POST",
        body: new URLSearchParams({ redirectTo: target }),
        redirect: "manual",
      });
      // The demo may not be seeded in this database (503); what matters is: never a 500, never away.
      expect(response.status, JSON.stringify(target)).not.toBe(500);
      if (response.status === 302) expect(landing(response).origin).toBe("http://app.test");
    }
  });

  it("POST /login with a CR/LF or non-Latin-1 redirectTo: the sign-in completes to a path of ours", async () => {
    const db = await getDb();
    const { PASSWORD_USER } = await passwordUser(db);
    for (const target of ["/accounts\r\nX-Injected: 1", "/%E3%80%82", "/。", "/\t/evil.example"]) {
      const before = await db.session.count({ where: { userId: PASSWORD_USER.id } });
      const response = await fetch(`${server.url}/login`, {
        method: "POST",
        body: new URLSearchParams({ email: PASSWORD_USER.email, password: PASSWORD_USER.password, redirectTo: target }),
        redirect: "manual",
      });
      expect(response.status, JSON.stringify(target)).toBe(302);
      expect(landing(response).origin).toBe("http://app.test");
      expect(response.headers.get("x-injected")).toBeNull();
      expect(await db.session.count({ where: { userId: PASSWORD_USER.id } })).toBe(before + 1);
    }
  });
});

async function passwordUser(db: Awaited<ReturnType<typeof getDb>>) {
  const email = `redirect-${Date.now()}@example.test`;
  const password = "correct horse battery staple";
  const result = await signUpWithPassword(db, { email, password, name: "Redirect Tester" });
  if (!result.ok) throw new Error(result.message);
  return { PASSWORD_USER: { id: result.userId, email, password } };
}
