// The fake Salesforce of `npm run bench -- sync`, in a process of its own so the bench's RSS figure is
// the sync's alone: the fake REST API (tests/fakes/salesforce) over a generated org
// (bench/sync-salesforce-plan.ts), one bearer token. Prints one JSON line — where it listens, the
// token, the org's record counts — then serves until its parent ends it. On request it prints the
// number of API calls served so far (a line "requests" on stdin answers one JSON line).
//   SYNC_BENCH_SF_SCALE=<scale> SYNC_BENCH_NOW=<ISO time> tsx bench/sync-fake-salesforce.ts
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { StaticApiTokens } from "../tests/fakes/provider/api-tokens";
import { FakeOrg, startFakeSalesforceApi } from "../tests/fakes/salesforce/index";
import { benchOrgSizes, benchScale, SF_OWNER, SF_SCOPES, SF_SEED } from "./sync-salesforce-plan";

const scale = benchScale(process.env.SYNC_BENCH_SF_SCALE);
const now = new Date(String(process.env.SYNC_BENCH_NOW));
if (Number.isNaN(now.getTime())) throw new Error("SYNC_BENCH_NOW is required");

const org = new FakeOrg({ seed: SF_SEED, sizes: benchOrgSizes(scale), now: now.getTime() - 60_000 });
const accessToken = randomBytes(24).toString("base64url");
const tokens = new StaticApiTokens().add(accessToken, { userId: "bench", email: SF_OWNER.email, scopes: SF_SCOPES });
const fake = await startFakeSalesforceApi({ verifyToken: tokens.verify, org });
// The allowance of a large org (Enterprise: 100,000 a day plus 1,000 a licence): the bench measures
// syncing, not the quota pause (the connector's tests cover it).
fake.api.setApiUsage(0, 1_000_000);
process.stdout.write(`${JSON.stringify({ instanceUrl: fake.instanceUrl, accessToken, counts: org.counts() })}\n`);

const stop = () => void fake.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line.trim() === "requests") process.stdout.write(`${JSON.stringify({ requests: fake.api.requests.length })}\n`);
});
// The parent closing our stdin (or dying) ends us too.
lines.on("close", stop);
