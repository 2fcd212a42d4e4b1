// A stand-in for ingest (server/integrations/ingest), with its exact contract, for the engine's own
// tests: the engine is tested apart from what records ingest makes, and ingest is built and tested
// on its branch. It keeps each email as a provider_events row keyed on (user, provider, provider id)
// — an upsert, so a step read twice after a crash updates instead of duplicating, like ingest does.
import type { Prisma } from "../../../server/db/generated/client";
import type { IngestContext, IngestStats } from "../../../server/integrations/ingest";
import type { SyncChange } from "../../../server/integrations/types";

export async function applyChangesStandIn(
  tx: Prisma.TransactionClient,
  context: IngestContext,
  changes: SyncChange[],
): Promise<IngestStats> {
  const stats: IngestStats = { created: 0, updated: 0, deleted: 0, skipped: {} };
  for (const change of changes) {
    if (!("externalId" in change)) continue;
    const key = { userId: context.userId, provider: context.source, externalId: change.externalId };
    if (change.kind === "email" || change.kind === "meeting") {
      const existing = await tx.providerEvent.findUnique({
        where: { userId_provider_externalId: key },
        select: { id: true },
      });
      const payload = { kind: change.kind, title: change.kind === "email" ? change.subject : change.title };
      if (existing) {
        await tx.providerEvent.update({ where: { id: existing.id }, data: { payload, receivedAt: context.now } });
        stats.updated += 1;
      } else {
        await tx.providerEvent.create({
          data: {
            ...key,
            eventType: change.kind,
            payload,
            receivedAt: context.now,
            occurredAt: change.kind === "email" ? change.sentAt : change.startsAt,
          },
        });
        stats.created += 1;
      }
    } else {
      const removed = await tx.providerEvent.deleteMany({ where: key });
      stats.deleted += removed.count;
    }
  }
  return stats;
}
