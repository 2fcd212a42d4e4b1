// The signed-in banner's decision, on the real database: a trial ending within three days, a failed
// payment inside its grace period, and nothing otherwise (or on an instance without billing).
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { resetEnvCache } from "../../server/env";
import { get, seller } from "../../tests/helpers/routes";
import { loader as rootLoader } from "../root";
import { billingBanner } from "./billing-banner.server";

const DAY_MS = 86_400_000;

async function userCreatedDaysAgo(days: number) {
  const { user, context } = await seller();
  const db = await getDb();
  const createdAt = new Date(Date.now() - days * DAY_MS);
  await db.user.update({ where: { id: user.id }, data: { createdAt } });
  return { user, context, createdAt };
}

afterEach(() => {
  delete process.env.FAKE_STRIPE;
  resetEnvCache();
});

describe("billing banner", () => {
  it("says nothing early in the trial, and names the trial's end in its last three days", async () => {
    const fresh = await userCreatedDaysAgo(1);
    expect(await billingBanner(fresh.user.id)).toBeNull();

    const ending = await userCreatedDaysAgo(12);
    const banner = await billingBanner(ending.user.id);
    expect(banner).toEqual({ kind: "trial_ending", endsAt: new Date(ending.createdAt.getTime() + 14 * DAY_MS) });
    // The root loader carries it for every signed-in page.
    const data = await rootLoader({ request: get("/dashboard"), context: ending.context, params: {} });
    expect(data.billingBanner).toEqual(banner);
  });

  it("a past-due subscription in its grace period: when Pro stops; after the trial ended, Free has no banner", async () => {
    const db = await getDb();
    const pastDue = await userCreatedDaysAgo(40);
    const since = new Date(Date.now() - 2 * DAY_MS);
    await db.billingAccount.create({
      data: {
        userId: pastDue.user.id,
        stripeCustomerId: "cus_banner",
        subscriptionStatus: "past_due",
        pastDueSince: since,
      },
    });
    expect(await billingBanner(pastDue.user.id)).toEqual({
      kind: "past_due",
      endsAt: new Date(since.getTime() + 7 * DAY_MS),
    });

    const free = await userCreatedDaysAgo(40);
    expect(await billingBanner(free.user.id)).toBeNull();
  });

  it("an instance without billing never shows one", async () => {
    process.env.FAKE_STRIPE = "false";
    resetEnvCache();
    const ending = await userCreatedDaysAgo(13);
    expect(await billingBanner(ending.user.id)).toBeNull();
  });
});
