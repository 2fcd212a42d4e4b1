// The typed tRPC client for React components (interactive parts: pagination, palettes, streaming).
// It imports only the AppRouter TYPE, so no server code reaches the browser bundle.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, type TRPCClient } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import superjson from "superjson";
import type { AppRouter } from "../../server/trpc/root";
import { MAX_CALLS_PER_BATCH } from "./api-limits";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export const TRPC_PATH = "/api/trpc";

/** The client's link configuration, shared by the React provider and by tests over real HTTP. */
export function createApiClient(
  baseUrl: string,
  options: { headers?: () => Record<string, string> } = {},
): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        // Subscriptions (the brain's streamed answers) over server-sent events; the rest batched.
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({ url: `${baseUrl}${TRPC_PATH}`, transformer: superjson }),
        false: httpBatchLink({
          url: `${baseUrl}${TRPC_PATH}`,
          transformer: superjson,
          headers: options.headers,
          maxItems: MAX_CALLS_PER_BATCH,
        }),
      }),
    ],
  });
}

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      // Loader data is fresh on navigation; don't refetch it the moment a component mounts.
      queries: { staleTime: 30_000, retry: 1 },
    },
  });
}

export function ApiProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() => createApiClient(typeof window === "undefined" ? "" : window.location.origin));
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
