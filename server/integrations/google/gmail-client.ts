// The Gmail API calls the sync needs. Profile, listing and history go through Google's official
// typed client (@googleapis/gmail 18, the newest that runs on Node 20), with gaxios' retries off so
// the sync engine alone decides when to try again; messages are fetched through Gmail's batch
// endpoint (./gmail-batch.ts), which the official client does not offer, MESSAGES_PER_BATCH at a
// time (docs/decisions/017-google-api-clients.md). Answers are
// returned as JSON of unknown shape: the caller checks each with zod. A non-2xx answer becomes a
// GoogleApiHttpError (status, reasons, Retry-After) for the caller to classify; a failure to reach
// Google is thrown as it came (api-errors.ts classifies it as a network error).
import { gmail, type gmail_v1 } from "@googleapis/gmail";
import { googleHttpError } from "./api-errors";
import { batchGetMessages, MESSAGES_PER_BATCH, type BatchAnswer } from "./gmail-batch";

export type { BatchAnswer } from "./gmail-batch";

export type ListMessagesParams = { q: string; maxResults: number; pageToken: string | undefined };
export type ListHistoryParams = {
  startHistoryId: string;
  historyTypes: string[];
  maxResults: number;
  pageToken: string | undefined;
};

/** What the Gmail provider asks of Gmail. Each call is one HTTP request, but getMessages. */
export interface GmailApiClient {
  getProfile(accessToken: string, signal: AbortSignal): Promise<unknown>;
  listMessages(accessToken: string, params: ListMessagesParams, signal: AbortSignal): Promise<unknown>;
  /**
   * users.messages.get with format=full for each id: one answer per id, in order, each with its own
   * status (a 404 for one message does not fail the others), and the HTTP requests it took.
   */
  getMessages(
    accessToken: string,
    ids: string[],
    signal: AbortSignal,
  ): Promise<{ answers: BatchAnswer[]; requests: number }>;
  listHistory(accessToken: string, params: ListHistoryParams, signal: AbortSignal): Promise<unknown>;
}

/**
 * The official client. `rootUrl` null means Google's own (https://gmail.googleapis.com/); the fake
 * Google's root otherwise (the client appends /gmail/v1/…).
 */
export function officialGmailClient(rootUrl: string | null): GmailApiClient {
  const api: gmail_v1.Gmail = gmail({
    version: "v1",
    // The engine owns backoff (it honours Retry-After and counts attempts); gaxios retrying on its
    // own would hide 429s from it and multiply requests during a quota storm.
    retry: false,
    // A hung connection must not hold the connection's lease forever; the engine retries.
    timeout: 60_000,
  });
  const options = (accessToken: string, signal: AbortSignal) => ({
    // Per request, not on the client: a client-wide rootUrl keeps only its origin (googleapis-common
    // resolves the absolute /gmail/v1/… path against it), so a fake under a path such as the demo's
    // /dev/fake-google-apis was never reached. Per request the path is kept.
    ...(rootUrl ? { rootUrl } : {}),
    headers: { Authorization: `Bearer ${accessToken}` },
    signal,
    // Answers are read as JSON whatever their content type; a non-JSON body fails the caller's zod check.
    responseType: "json" as const,
  });
  return {
    getProfile: (accessToken, signal) =>
      call(() => api.users.getProfile({ userId: "me" }, options(accessToken, signal))),
    listMessages: (accessToken, params, signal) =>
      call(() =>
        api.users.messages.list(
          {
            userId: "me",
            q: params.q,
            maxResults: params.maxResults,
            includeSpamTrash: false,
            ...(params.pageToken ? { pageToken: params.pageToken } : {}),
          },
          options(accessToken, signal),
        ),
      ),
    getMessages: async (accessToken, ids, signal) => {
      const answers: BatchAnswer[] = [];
      let requests = 0;
      // One batch at a time: a step holds at most two, and Google counts every inner call against
      // the per-user concurrency quota, so batches in parallel buy little and risk 429s.
      for (let start = 0; start < ids.length; start += MESSAGES_PER_BATCH) {
        const batch = ids.slice(start, start + MESSAGES_PER_BATCH);
        answers.push(...(await batchGetMessages({ rootUrl, accessToken, ids: batch, signal })));
        requests += 1;
      }
      return { answers, requests };
    },
    listHistory: (accessToken, params, signal) =>
      call(() =>
        api.users.history.list(
          {
            userId: "me",
            startHistoryId: params.startHistoryId,
            historyTypes: params.historyTypes,
            maxResults: params.maxResults,
            ...(params.pageToken ? { pageToken: params.pageToken } : {}),
          },
          options(accessToken, signal),
        ),
      ),
  };
}

/** Runs one call; a gaxios error with an HTTP answer becomes a GoogleApiHttpError. */
async function call(request: () => Promise<{ data: unknown }>): Promise<unknown> {
  try {
    const response = await request();
    return response.data;
  } catch (error) {
    const response = (error as { response?: { status?: unknown; data?: unknown; headers?: unknown } }).response;
    if (response && typeof response.status === "number") {
      const headers = response.headers;
      const retryAfter =
        headers && typeof (headers as Headers).get === "function" ? (headers as Headers).get("retry-after") : null;
      throw googleHttpError(response.status, response.data, retryAfter);
    }
    throw error;
  }
}
