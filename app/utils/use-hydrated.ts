// Whether React runs in the browser yet: false on the server and during hydration (so both render
// the same markup), true from the first render after. Pieces that only work with JavaScript (drag
// and drop, a download with progress, the ⌘K hint) switch on with it; until then the page's plain
// HTML (forms, links) does the job.
import { useSyncExternalStore } from "react";

const noSubscription = () => () => {};

export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}
