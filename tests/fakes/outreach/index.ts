// The fake Outreach API on its own loopback port, for tests, the benchmark and the demo. Its base URL
// (…/api/v2) is what the connector takes as `baseUrl` (OUTREACH_API_BASE_URL).
import { listenOnLoopback } from "../google-apis/index";
import type { ApiTokenVerifier } from "../provider/api-tokens";
import { FakeOutreachApi, type FakeOutreachApiOptions } from "./api";
import { OutreachData } from "./data";

export { FakeOutreachApi } from "./api";
export { OutreachData } from "./data";

export type StartFakeOutreachApiOptions = Omit<FakeOutreachApiOptions, "data" | "verifyToken"> & {
  verifyToken: ApiTokenVerifier;
  data?: OutreachData;
};

export async function startFakeOutreachApi(options: StartFakeOutreachApiOptions) {
  const data = options.data ?? new OutreachData();
  const fake = new FakeOutreachApi({ ...options, data });
  const server = await listenOnLoopback(fake.router());
  return {
    /** Where the connector points: http://127.0.0.1:<port>/api/v2 */
    baseUrl: `${server.base}/api/v2`,
    fake,
    data,
    close: server.close,
  };
}
