// "from Gmail": where a synced record came from, on lists, pages and timeline entries. Nothing for
// records typed into the product.
import { describeSources, isSynced, sourceLabel, type SourceLink } from "../utils/source-labels";
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

/**
 * Where a record came from and which tools know it, from its links: "from Salesforce", "linked to
 * Salesforce and Outreach", "deleted in Salesforce". Nothing for a record no tool knows.
 */
export function SourceBadges({ source, links }: { source: string; links: SourceLink[] }) {
  const badges = describeSources(source, links);
  if (badges.length === 0) return null;
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5" data-testid="source-badges">
      {badges.map((badge) => (
        <span key={badge.text} className="shrink-0 whitespace-nowrap" title={badge.title} data-testid="source-badge">
          <Badge tone={badge.tone}>{badge.text}</Badge>
        </span>
      ))}
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
