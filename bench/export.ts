// The workspace export (Settings → Data → Export) on the embedded database: the demo workspace plus
// 50,000 timeline entries and 10,000 notes — a few years of a busy seller. The export streams in
// batches of 500 (constant memory: the live heap is sampled while it runs); the baseline, in the same run, reads the same CRM tables whole
// with one findMany each and JSON.stringify's them (what a naive export would do, in memory).
//   npm run bench -- export
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { PGlite } from "@electric-sql/pglite";
import { pgliteDatabase } from "../server/db/client";
import { pgliteExtensions } from "../server/db/embedded";
import { applyMigrations } from "../server/db/migrate";
import { exportWorkspace } from "../server/data-rights/export/export-workspace";
import { seedDemoWorkspace } from "../prisma/seed/seed";
import { printTable, report, timeRepeated } from "./lib";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Sample the heap every this many chunks of the export (each chunk is a batch of up to 500 lines). */
const SAMPLE_EVERY = 10;

// The JS heap that is still reachable (after a full collection): what the export really holds,
// not the garbage it has not collected yet. gc() without --expose-gc on the command line.
setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;
function liveHeapMb(): number {
  collect();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}
const EXTRA_ACTIVITIES = 50_000;
const EXTRA_NOTES = 10_000;

export async function run() {
  const db = pgliteDatabase(await PGlite.create({ extensions: pgliteExtensions }));
  try {
    await applyMigrations(db.sql);
    const { userId } = await seedDemoWorkspace(db.prisma);
    const accounts = await db.prisma.account.findMany({ where: { userId }, select: { id: true } });
    const at = Date.UTC(2024, 0, 1);
    for (let start = 0; start < EXTRA_ACTIVITIES; start += 5_000) {
      await db.prisma.activity.createMany({
        data: Array.from({ length: 5_000 }, (_, i) => ({
          userId,
          type: "email_sent" as const,
          at: new Date(at + (start + i) * 60_000),
          accountId: accounts[(start + i) % accounts.length]!.id,
          summary: `Sent the follow-up about pricing and the security review, number ${start + i}.`,
        })),
      });
    }
    await db.prisma.note.createMany({
      data: Array.from({ length: EXTRA_NOTES }, (_, i) => ({
        userId,
        accountId: accounts[i % accounts.length]!.id,
        body: `Call notes ${i}: the champion wants a pilot; procurement needs the SOC 2 report before legal review.`,
      })),
    });

    const where = { where: { userId } };
    const readWhole = async () => {
      const all = await Promise.all([
        db.prisma.account.findMany(where),
        db.prisma.prospect.findMany(where),
        db.prisma.opportunity.findMany(where),
        db.prisma.conversation.findMany(where),
        db.prisma.message.findMany(where),
        db.prisma.meeting.findMany(where),
        db.prisma.note.findMany(where),
        db.prisma.activity.findMany(where),
      ]);
      return { all, text: JSON.stringify(all, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)) };
    };
    let last = { lines: 0, bytes: 0 };
    const rows = [
      await timeRepeated(
        "baseline: CRM tables read whole + JSON.stringify",
        ROUNDS,
        async () => void (await readWhole()),
      ),
      await timeRepeated("export: every section, streamed in batches of 500", ROUNDS, async () => {
        const result = await exportWorkspace(db.prisma, userId, () => {});
        last = { lines: result.lines, bytes: result.bytes };
      }),
    ];

    // Memory, measured apart from the timed rounds (a full collection per sample costs time);
    // the export's before the baseline's, so the baseline's result cannot still be held.
    const idleLiveMb = liveHeapMb();
    let chunks = 0;
    let exportLiveMb = 0;
    await exportWorkspace(db.prisma, userId, () => {
      chunks += 1;
      if (chunks % SAMPLE_EVERY === 0) exportLiveMb = Math.max(exportLiveMb, liveHeapMb());
    });
    const whole = await readWhole();
    const baselineLiveMb = liveHeapMb();
    void [whole.all.length, whole.text.length];
    report(
      `Workspace export (PGlite; demo + ${EXTRA_ACTIVITIES.toLocaleString("en")} activities + ${EXTRA_NOTES.toLocaleString("en")} notes)`,
      rows,
    );
    const exportMs = rows[1]!.medianMs;
    printTable(
      "Export figures (last round)",
      ["", "value"],
      [
        ["lines (≈ records)", last.lines.toLocaleString("en")],
        ["file size", `${(last.bytes / 1024 / 1024).toFixed(1)} MB`],
        ["throughput", `${Math.round(last.lines / (exportMs / 1000)).toLocaleString("en")} records/s`],
        ["live JS heap, idle (after the seed)", `${idleLiveMb.toFixed(1)} MB`],
        [
          `live JS heap while exporting, highest (sampled every ${SAMPLE_EVERY} chunks)`,
          `${exportLiveMb.toFixed(1)} MB`,
        ],
        ["live JS heap holding the baseline's whole result", `${baselineLiveMb.toFixed(1)} MB`],
      ],
    );
  } finally {
    await db.close();
  }
}
