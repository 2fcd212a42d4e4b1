// Which SyncProvider serves each tool. The real ones are built from the environment on first use (so
// importing this module does not load every provider's client); tests may put another in place.
import type { IntegrationProvider } from "../db/generated/client";
import { env } from "../env";
import type { SyncProvider } from "./types";

type Factory = () => Promise<SyncProvider>;

/** The real providers. Salesforce and Outreach join here. */
const FACTORIES: Partial<Record<IntegrationProvider, Factory>> = {
  gmail: async () => (await import("./google/gmail")).createGmailProvider({ rootUrl: env().googleApiBaseUrl }),
  gcal: async () => (await import("./google/calendar")).createCalendarProvider({ rootUrl: env().googleApiBaseUrl }),
  salesforce: async () => (await import("./salesforce/provider")).createSalesforceProvider(),
  outreach: async () =>
    (await import("./outreach/provider")).createOutreachProvider({ baseUrl: env().outreach?.apiBaseUrl ?? null }),
};

const overrides = new Map<IntegrationProvider, SyncProvider>();
const built = new Map<IntegrationProvider, Promise<SyncProvider>>();

/** Puts a provider in place of the real one (null restores the real one). For tests. */
export function setSyncProvider(id: IntegrationProvider, provider: SyncProvider | null): void {
  if (provider) overrides.set(id, provider);
  else overrides.delete(id);
}

/** The provider that syncs `id`, or null when none is built yet. */
export async function syncProvider(id: IntegrationProvider): Promise<SyncProvider | null> {
  const override = overrides.get(id);
  if (override) return override;
  const factory = FACTORIES[id];
  if (!factory) return null;
  let provider = built.get(id);
  if (!provider) {
    provider = factory();
    built.set(id, provider);
    provider.catch(() => built.delete(id));
  }
  return provider;
}
