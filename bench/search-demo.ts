// Search on the demo workspace, the size a seller starts with: the palette asks on every keystroke,
// so an answer must come back well within one (~100 ms). Runs on the embedded database (PGlite), the
// default for `npm start`. Baseline, in the same run: fetching one account by id (one indexed row).
//   npm run bench -- search-demo
import { PGlite } from "@electric-sql/pglite";
import { pgliteDatabase } from "../server/db/client";
import { pgliteExtensions } from "../server/db/embedded";
import { applyMigrations } from "../server/db/migrate";
import { search } from "../server/crm/search";
import { seedDemoWorkspace } from "../prisma/seed/seed";
import { report, timeRepeated } from "./lib";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);

/** What a seller types, letter by letter and as whole words: names, prefixes, common and rare words. */
const QUERIES = [
  "k",
  "ke",
  "kes",
  "kestrel",
  "pricing",
  "security review",
  "renewal",
  "sso",
  "procurement",
  "pilot results",
];

export async function run() {
  const db = pgliteDatabase(await PGlite.create({ extensions: pgliteExtensions }));
  try {
    await applyMigrations(db.sql);
    const { userId } = await seedDemoWorkspace(db.prisma);
    const anyAccount = await db.prisma.account.findFirstOrThrow({ where: { userId }, select: { id: true } });
    const rows = [
      await timeRepeated("one account by id (baseline)", ROUNDS, async () => {
        await db.prisma.account.findFirst({ where: { id: anyAccount.id, userId } });
      }),
    ];
    for (const q of QUERIES) {
      rows.push(
        await timeRepeated(`search "${q}" (8 results, as the palette asks)`, ROUNDS, async () => {
          await search(db.prisma, userId, { q, limit: 8 });
        }),
      );
    }
    report("Search on the demo workspace (PGlite)", rows);
  } finally {
    await db.close();
  }
}
