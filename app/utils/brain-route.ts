// The pages under /brain read the layout's data (threads, how answers are written, where browsers
// reach Claude) instead of loading it again.
import { useRouteLoaderData } from "@remix-run/react";
import type { loader } from "../routes/brain";

const BRAIN_ROUTE_ID = "routes/brain";

export function useBrainData() {
  const data = useRouteLoaderData<typeof loader>(BRAIN_ROUTE_ID);
  if (!data) throw new Error("useBrainData is for the pages under /brain.");
  return data;
}
