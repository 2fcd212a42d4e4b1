// The Salesforce org of `npm run bench -- sync` (bench/sync-salesforce.ts), shared by the bench and
// the fake Salesforce it starts as a child process (bench/sync-fake-salesforce.ts), so both build the
// same org from one number: the 10,000 accounts, 50,000 contacts, 20,000 opportunities (each
// with a contact role and its stage history) and 200,000 tasks, times SYNC_BENCH_SF_SCALE.
import type { OrgSizes } from "../tests/fakes/salesforce/org";

export const SF_OWNER = { email: "sam@fakeorg.example", name: "Sam Seller" };
export const SF_SCOPES = ["api", "refresh_token"];
export const SF_SEED = 13_000;

/** The org's sizes at `scale` (1 = the org); every object keeps at least one record. */
export function benchOrgSizes(scale: number): OrgSizes {
  const at = (n: number) => Math.max(1, Math.round(n * scale));
  return {
    accounts: at(10_000),
    contactsPerAccount: 5,
    leads: 0,
    opportunities: at(20_000),
    tasks: at(200_000),
    events: 0,
  };
}

/** SYNC_BENCH_SF_SCALE, checked: a number in (0, 1]… or more, for a bigger org. */
export function benchScale(value: string | undefined): number {
  const scale = Number(value ?? 1);
  if (!(Number.isFinite(scale) && scale > 0))
    throw new Error(`SYNC_BENCH_SF_SCALE must be a positive number (1 = the issue's org), not "${value}".`);
  return scale;
}
