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

type Holder = "running" | "exiting" | "gone";

/**
 * Whether the process holding the lock still runs. A process killed with SIGKILL exists a little
 * longer — as a zombie until its parent reaps it (a supervisor, or the shell that restarts it), or
 * while the kernel tears it down — yet it will never touch the database again.
 */
function holderState(pid: number): Holder {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM" ? "running" : "gone";
  }
  try {
    // Linux: the state letter follows the command name in parentheses (which may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if (state === "Z" || state === "X" || state === "x") return "exiting";
  } catch {
    // No /proc (macOS) or it just went away: trust kill(0).
  }
  return "running";
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the data directory's lock for this process, or throws if a live process holds it. A holder
 * that is exiting (a zombie) is stale at once; one that still runs gets `waitMs` to finish exiting —
 * a restart right after a kill -9 can find it still there — before the lock is refused.
 */
export async function lockDataDir(dataDir: string, options: { waitMs?: number } = {}): Promise<() => void> {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, "pglite.lock");
  const deadline = Date.now() + (options.waitMs ?? 3_000);
  for (;;) {
    try {
      const fd = openSync(lockFile, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let holder: number;
    try {
      holder = Number.parseInt(readFileSync(lockFile, "utf8"), 10);
    } catch (error) {
      // Released between our open and our read: try again.
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    const state = Number.isInteger(holder) && holder !== process.pid ? holderState(holder) : "gone";
    if (state === "running" && Date.now() < deadline) {
      await sleep(100);
      continue;
    }
    if (state === "running") {
      throw new DataDirLockedError(
        `The embedded database in ${dataDir} is already open in another process (pid ${holder}). ` +
          "Stop that process (is `npm start` or `npm run dev` running elsewhere?), or set DATA_DIR to another directory. " +
          `If no Sales-as-Code process is running, the lock is stale: delete ${lockFile}.`,
      );
    }
    // A stale lock left by a process that died (or is dying): take it over.
    rmSync(lockFile, { force: true });
  }
}

export async function openEmbeddedPGlite(dataDir: string): Promise<{ pglite: PGlite; release: () => void }> {
  const release = await lockDataDir(dataDir);
  try {
    const pglite = await PGlite.create({ dataDir: path.join(dataDir, "pglite"), extensions: pgliteExtensions });
    return { pglite, release };
  } catch (error) {
    release();
    throw error;
  }
}
