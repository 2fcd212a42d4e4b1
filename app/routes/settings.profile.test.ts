import { describe, expect, it } from "vitest";
import { hashPassword } from "../../server/auth/password";
import { acknowledgeCurrentPolicy, PRIVACY_POLICY } from "../../server/privacy/policy";
import { get, post, seller, thrownBy, type Answer } from "../../tests/helpers/routes";
import { loadContext } from "../../tests/helpers/users";
import { loader as settingsIndexLoader } from "./settings._index";
import { action, loader } from "./settings.profile";

const PROFILE = "/settings/profile";

describe("/settings", () => {
  it("opens on the profile", () => {
    const response = settingsIndexLoader();
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/settings/profile");
  });
});

describe("/settings/profile loader", () => {
  it("P9: shows what is stored about who the user is: name, email, the Google account they sign in with, when the account was made, the policy version they acknowledged", async () => {
    const { db, user, context } = await seller({ email: "robin@profile.example", name: "Robin Profile" });
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

    const data = await loader({ request: get(PROFILE), context, params: {} });
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
    const { context } = await seller();
    const data = await loader({ request: get(PROFILE), context, params: {} });
    expect(data).toMatchObject({
      hasPassword: false,
      googleEmails: [],
      policyAcknowledged: null,
      newerPolicy: { version: PRIVACY_POLICY.version, lastUpdated: PRIVACY_POLICY.lastUpdated },
    });
  });

  it("sends a signed-out visitor to sign in, and back here afterwards", async () => {
    const response = await thrownBy(() => loader({ request: get(PROFILE), context: loadContext(), params: {} }));
    expect(response.headers.get("location")).toBe("/login?redirectTo=%2Fsettings%2Fprofile");
  });
});

describe("/settings/profile action", () => {
  it("saves the trimmed name and comes back with the profile-updated toast", async () => {
    const { db, user, context } = await seller({ name: "Old Name" });
    const response = (await action({
      request: post(PROFILE, { name: "  Robin Renamed  " }),
      context,
      params: {},
    })) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/settings/profile?toast=profile-updated");
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).name).toBe("Robin Renamed");
  });

  it("shows inline errors for an empty or overlong name, keeps what was typed, and changes nothing", async () => {
    const { db, user, context } = await seller({ name: "Kept Name" });

    const empty = (await action({ request: post(PROFILE, { name: "   " }), context, params: {} })) as unknown as Answer;
    expect(empty.init?.status).toBe(400);
    expect(empty.data.fieldErrors).toEqual({ name: "Enter your name." });
    expect(empty.data.fields).toEqual({ name: "   " });

    const long = "x".repeat(121);
    const tooLong = (await action({
      request: post(PROFILE, { name: long }),
      context,
      params: {},
    })) as unknown as Answer;
    expect(tooLong.init?.status).toBe(400);
    expect(tooLong.data.fieldErrors).toEqual({ name: "Use at most 120 characters." });
    expect(tooLong.data.fields).toEqual({ name: long });

    // A form post without the field at all (a hand-made request) is the user's mistake, not a 500.
    const missing = (await action({ request: post(PROFILE, {}), context, params: {} })) as unknown as Answer;
    expect(missing.init?.status).toBe(400);
    expect(missing.data.fieldErrors?.name).toBe("Enter your name.");

    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).name).toBe("Kept Name");
  });

  it("changes only the signed-in user's name", async () => {
    const { db, context } = await seller();
    const other = await seller({ name: "Other Seller" });
    await action({ request: post(PROFILE, { name: "Mine" }), context, params: {} });
    expect((await db.user.findUniqueOrThrow({ where: { id: other.user.id } })).name).toBe("Other Seller");
  });

  it("sends a signed-out visitor to sign in without changing anything", async () => {
    const response = await thrownBy(() =>
      action({ request: post(PROFILE, { name: "Nobody" }), context: loadContext(), params: {} }),
    );
    expect(response.headers.get("location")).toBe("/login?redirectTo=%2Fsettings%2Fprofile");
  });
});
