// The fake Salesforce REST API on its own loopback port: its base URL is the connection's
// `instance_url` (the fake OAuth server hands it out with the token).
import { listenOnLoopback } from "../google-apis";
import type { ApiTokenVerifier } from "../provider/api-tokens";
import { FakeSalesforceApi } from "./api";
import type { FakeOrg } from "./org";

export { FakeSalesforceApi, formatDateTime } from "./api";
export { FakeOrg, salesforceId, STANDARD_STAGES } from "./org";

export async function startFakeSalesforceApi(opts: { verifyToken: ApiTokenVerifier; org: FakeOrg }) {
  const api = new FakeSalesforceApi(opts);
  const { base, close } = await listenOnLoopback(api.router());
  return { instanceUrl: base, api, org: opts.org, close };
}
