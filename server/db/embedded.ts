// The embedded default: PGlite persisted in DATA_DIR when DATABASE_URL is unset
// (docs/decisions/004-pglite-as-the-embedded-default.md).
//
// Two processes on one PGlite directory silently corrupt it, so the opener holds a lock file with
// its process id and a second opener is refused with a message that says what to do.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";

/** Extensions the migrations create; PGlite must have them loaded before CREATE EXTENSION. */
export const pgliteExtensions = { pg_trgm };

export class DataDirLockedError extends Error {
  override name = "DataDirLockedError";
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the data directory's lock for this process, or throws if a live process holds it. */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, "pglite.lock");
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(lockFile, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number.parseInt(readFileSync(lockFile, "utf8"), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isRunning(holder)) {
        throw new DataDirLockedError(
          `The embedded database in ${dataDir} is already open in another process (pid ${holder}). ` +
            "Stop that process (is `npm start` or `npm run dev` running elsewhere?), or set DATA_DIR to another directory. " +
            `If no Sales-as-Code process is running, the lock is stale: delete ${lockFile}.`,
        );
      }
      // A stale lock left by a process that died: take it over.
      rmSync(lockFile, { force: true });
    }
  }
  throw new DataDirLockedError(`Could not take the lock on ${lockFile}.`);
}

export async function openEmbeddedPGlite(dataDir: string): Promise<{ pglite: PGlite; release: () => void }> {
  const release = lockDataDir(dataDir);
  try {
    const pglite = await PGlite.create({ dataDir: path.join(dataDir, "pglite"), extensions: pgliteExtensions });
    return { pglite, release };
  } catch (error) {
    release();
    throw error;
  }
}
