import { describe, expect, it } from "vitest";
import { hashPassword } from "../../server/auth/password";
import { getDb, type Db } from "../../server/db/client";
import { acknowledgeCurrentPolicy, PRIVACY_POLICY } from "../../server/privacy/policy";
import { createUser, loadContext, signIn } from "../../tests/helpers/users";
import { loader as settingsIndexLoader } from "./settings._index";
import { action, loader } from "./settings.profile";

type Answer = {
  data: { fieldErrors?: Record<string, string>; formError?: string; fields?: Record<string, string> };
  init: { status?: number } | null;
};

const get = () => new Request("http://localhost/settings/profile");
const post = (fields: Record<string, string>) =>
  new Request("http://localhost/settings/profile", { method: "POST", body: new URLSearchParams(fields) });

async function seller(db: Db, overrides: { email?: string; name?: string } = {}) {
  const user = await createUser(db, overrides);
  const { auth } = await signIn(db, user.id);
  return { user, context: loadContext(auth) };
}

/** The Response a loader or action threw (redirects to sign in). */
async function thrownBy(run: () => unknown): Promise<Response> {
  const thrown = await Promise.resolve()
    .then(run)
    .then(
      () => null,
      (error: unknown) => error,
    );
  expect(thrown).toBeInstanceOf(Response);
  return thrown as Response;
}

describe("/settings", () => {
  it("opens on the profile", () => {
    const response = settingsIndexLoader();
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/settings/profile");
  });
});

describe("/settings/profile loader", () => {
  it("P9: shows what is stored about who the user is: name, email, the Google account they sign in with, when the account was made, the policy version they acknowledged", async () => {
    const db = await getDb();
    const { user, context } = await seller(db, { email: "robin@profile.example", name: "Robin Profile" });
    await db.user.update({
      where: { id: user.id },
      data: { passwordHash: await hashPassword("a long enough password") },
    });
    await db.oAuthIdentity.create({
      data: {
        userId: user.id,
        provider: "google",
        providerAccountId: "google-sub-1",
        email: "robin.personal@gmail.example",
        emailVerified: true,
      },
    });
    await acknowledgeCurrentPolicy(db, user.id, new Date("2026-12-01T10:00:00Z"));

    const data = await loader({ request: get(), context, params: {} });
    expect(data).toMatchObject({
      name: "Robin Profile",
      email: "robin@profile.example",
      hasPassword: true,
      googleEmails: ["robin.personal@gmail.example"],
      policyAcknowledged: { policyVersion: PRIVACY_POLICY.version },
      newerPolicy: null,
    });
    expect(new Date(data.createdAt).getTime()).toBe(user.createdAt.getTime());
    expect(new Date(data.policyAcknowledged!.acknowledgedAt).toISOString()).toBe("2026-12-01T10:00:00.000Z");
  });

  it("says when there is no password, no Google sign-in, and the current policy is not acknowledged yet", async () => {
    const db = await getDb();
    const { context } = await seller(db);
    const data = await loader({ request: get(), context, params: {} });
    expect(data).toMatchObject({
      hasPassword: false,
      googleEmails: [],
      policyAcknowledged: null,
      newerPolicy: { version: PRIVACY_POLICY.version, lastUpdated: PRIVACY_POLICY.lastUpdated },
    });
  });

  it("sends a signed-out visitor to sign in, and back here afterwards", async () => {
    const response = await thrownBy(() => loader({ request: get(), context: loadContext(), params: {} }));
    expect(response.headers.get("location")).toBe("/login?redirectTo=%2Fsettings%2Fprofile");
  });
});

describe("/settings/profile action", () => {
  it("saves the trimmed name and comes back with the profile-updated toast", async () => {
    const db = await getDb();
    const { user, context } = await seller(db, { name: "Old Name" });
    const response = (await action({ request: post({ name: "  Robin Renamed  " }), context, params: {} })) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/settings/profile?toast=profile-updated");
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).name).toBe("Robin Renamed");
  });

  it("shows inline errors for an empty or overlong name, keeps what was typed, and changes nothing", async () => {
    const db = await getDb();
    const { user, context } = await seller(db, { name: "Kept Name" });

    const empty = (await action({ request: post({ name: "   " }), context, params: {} })) as unknown as Answer;
    expect(empty.init?.status).toBe(400);
    expect(empty.data.fieldErrors).toEqual({ name: "Enter your name." });
    expect(empty.data.fields).toEqual({ name: "   " });

    const long = "x".repeat(121);
    const tooLong = (await action({ request: post({ name: long }), context, params: {} })) as unknown as Answer;
    expect(tooLong.init?.status).toBe(400);
    expect(tooLong.data.fieldErrors).toEqual({ name: "Use at most 120 characters." });
    expect(tooLong.data.fields).toEqual({ name: long });

    // A form post without the field at all (a hand-made request) is the user's mistake, not a 500.
    const missing = (await action({ request: post({}), context, params: {} })) as unknown as Answer;
    expect(missing.init?.status).toBe(400);
    expect(missing.data.fieldErrors?.name).toBe("Enter your name.");

    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).name).toBe("Kept Name");
  });

  it("changes only the signed-in user's name", async () => {
    const db = await getDb();
    const { context } = await seller(db);
    const other = await seller(db, { name: "Other Seller" });
    await action({ request: post({ name: "Mine" }), context, params: {} });
    expect((await db.user.findUniqueOrThrow({ where: { id: other.user.id } })).name).toBe("Other Seller");
  });

  it("sends a signed-out visitor to sign in without changing anything", async () => {
    const response = await thrownBy(() =>
      action({ request: post({ name: "Nobody" }), context: loadContext(), params: {} }),
    );
    expect(response.headers.get("location")).toBe("/login?redirectTo=%2Fsettings%2Fprofile");
  });
});
