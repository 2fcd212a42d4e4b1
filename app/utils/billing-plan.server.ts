// What the Connections and Brain pages show about the plan: only whether the account is on Free now
// (the server refuses Pro features anyway; the pages say so before the seller tries).
import { entitlementOf } from "../../server/billing/plan";
import { getDb } from "../../server/db/client";

export async function onFreePlan(userId: string, now = new Date()): Promise<boolean> {
  return (await entitlementOf(await getDb(), userId, now)).plan === "free";
}
