// "from Gmail": where a synced record came from, on lists, pages and timeline entries. Nothing for
// records typed into the product.
import { isSynced, sourceLabel } from "../utils/source-labels";
import { Badge } from "./ui";

export function SourceBadge({ source }: { source: string }) {
  if (!isSynced(source)) return null;
  return (
    // Never broken over two lines: on a phone a long subject beside it is what gets truncated.
    <span className="shrink-0 whitespace-nowrap" data-testid="source-badge">
      <Badge tone="blue">from {sourceLabel(source)}</Badge>
    </span>
  );
}

/** A cancelled meeting, said plainly. */
export function CancelledBadge() {
  return (
    <span className="shrink-0 whitespace-nowrap" data-testid="cancelled-badge">
      <Badge tone="red">Cancelled</Badge>
    </span>
  );
}
