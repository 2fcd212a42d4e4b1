// The demo seed: a deterministic, believable workspace (prisma/seed/demo-workspace.ts), written as a
// workspace document and loaded through the same importer users use, with its timestamps shifted
// so that "upcoming" meetings are upcoming whenever the seed runs.
import type { Db } from "../../server/db/client";
import { DEMO_USER } from "../../server/auth/demo";
import { importWorkspace, type ImportCounts } from "../../server/data-rights/import/import-workspace";
import { acknowledgeCurrentPolicy } from "../../server/privacy/policy";
import { generateDemoWorkspace } from "./demo-workspace";

export type DemoSeedResult = { userId: string; email: string; created: boolean; counts: ImportCounts | null };

/** Creates the demo user and workspace unless the demo user already exists. */
export async function seedDemoWorkspace(db: Db, now = new Date()): Promise<DemoSeedResult> {
  const existing = await db.user.findUnique({ where: { email: DEMO_USER.email }, select: { id: true } });
  if (existing) return { userId: existing.id, email: DEMO_USER.email, created: false, counts: null };

  // The demo user has seen the current policy: a fresh demo opens without a "policy changed" notice.
  const user = await db.user.create({ data: { email: DEMO_USER.email, name: DEMO_USER.name } });
  await acknowledgeCurrentPolicy(db, user.id, now);
  try {
    const result = await importWorkspace(db, user.id, generateDemoWorkspace(), { shiftReferenceDateTo: now });
    if (!result.ok) {
      const first = result.problems.slice(0, 5).map((p) => `${p.path} ${p.message}`);
      throw new Error(`The demo workspace document is invalid:\n  ${first.join("\n  ")}`);
    }
    return { userId: user.id, email: DEMO_USER.email, created: true, counts: result.counts };
  } catch (error) {
    // Leave no half-made demo user behind: the next start tries again from scratch.
    await db.user.delete({ where: { id: user.id } });
    throw error;
  }
}
