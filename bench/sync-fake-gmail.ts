// The fake Google of `npm run bench -- sync`, in a process of its own so the bench's RSS figure is the
// sync's alone: the fake Gmail API over a generated mailbox (bench/sync-plan.ts), bearer tokens
// checked by the fake OAuth server's grant store. Prints one JSON line — where it listens and the
// grant it issued — then serves until its parent ends it.
//   SYNC_BENCH_MESSAGES=<n> SYNC_BENCH_NOW=<ISO time> tsx bench/sync-fake-gmail.ts
import { gmailRouter, GmailStore } from "../tests/fakes/google-apis/gmail";
import { FakeGoogleApis, listenOnLoopback } from "../tests/fakes/google-apis/index";
import { FakeGoogle } from "../tests/fakes/google-oauth/index";
import { benchMailbox, GMAIL_SCOPES, OWNER } from "./sync-plan";

const count = Number(process.env.SYNC_BENCH_MESSAGES);
const now = new Date(String(process.env.SYNC_BENCH_NOW));
if (!(count > 0) || Number.isNaN(now.getTime())) throw new Error("SYNC_BENCH_MESSAGES and SYNC_BENCH_NOW are required");

const store = new GmailStore(OWNER.email);
store.seed(benchMailbox(count, now));
// Tokens live for a day: the bench measures syncing, not the refresh (the engine's tests cover it).
const oauth = new FakeGoogle({
  issuer: "http://127.0.0.1/fake-google",
  clientId: "bench-client",
  clientSecret: "bench-secret",
  redirectUris: [],
  accounts: [{ sub: "bench-owner", email: OWNER.email, name: OWNER.name }],
  accessTokenTtlSeconds: 86_400,
});
const grant = oauth.issueGrant(OWNER.email, GMAIL_SCOPES);
const apis = new FakeGoogleApis(oauth.verifyAccessToken);
apis.mount(
  "/gmail/v1",
  gmailRouter((email) => (email === OWNER.email ? store : undefined)),
);
const server = await listenOnLoopback(apis.router());
process.stdout.write(`${JSON.stringify({ base: server.base, messages: store.messageCount, ...grant })}\n`);

const stop = () => void server.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// The parent closing our stdin (or dying) ends us too.
process.stdin.on("end", stop);
process.stdin.resume();
