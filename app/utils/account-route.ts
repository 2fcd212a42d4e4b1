// The account tabs read the account from their layout's loader instead of loading it again.
import { useRouteLoaderData } from "@remix-run/react";
import type { loader } from "../routes/accounts.$accountId";

const ACCOUNT_ROUTE_ID = "routes/accounts.$accountId";

export function useAccount() {
  const data = useRouteLoaderData<typeof loader>(ACCOUNT_ROUTE_ID);
  if (!data) throw new Error("useAccount is for the account tabs (routes under accounts.$accountId).");
  return data.account;
}

/** A tab's page title: "People · Acme · Sales-as-Code". */
export function accountTabTitle(matches: readonly { id: string; data: unknown }[], tab: string) {
  const data = matches.find((m) => m.id === ACCOUNT_ROUTE_ID)?.data as { account?: { name?: string } } | undefined;
  return [{ title: `${tab} · ${data?.account?.name ?? "Account"} · Sales-as-Code` }];
}
