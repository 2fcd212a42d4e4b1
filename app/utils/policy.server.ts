import type { AppLoadContext } from "@remix-run/node";
import { getDb } from "../../server/db/client";
import { needsPolicyNotice, PRIVACY_POLICY } from "../../server/privacy/policy";

/** P17: the notice to show a signed-in user who has not seen the current policy, else null. */
export async function policyNoticeFor(context: AppLoadContext) {
  const { user } = context.auth;
  if (!user || !(await needsPolicyNotice(await getDb(), user.id))) return null;
  return { version: PRIVACY_POLICY.version, lastUpdated: PRIVACY_POLICY.lastUpdated };
}
