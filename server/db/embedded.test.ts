// Issue #11: restarting within a second of a kill -9 failed on the embedded database's lock, because
// the killed process still existed (a zombie until its parent reaps it). Real processes here: a
// child takes the lock through the real code and is killed with SIGKILL.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { projectRoot } from "../utils/project-root";
import { DataDirLockedError, lockDataDir } from "./embedded";

const children: ChildProcess[] = [];
const holders: number[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const pid of holders.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A process holding the lock on a new directory. It runs under `sh`, which then becomes `sleep` and
 * never reaps it: killed, the holder stays a zombie — what a restart right after kill -9 meets.
 */
async function lockHolder() {
  const dir = mkdtempSync(path.join(tmpdir(), "sac-lock-"));
  dirs.push(dir);
  const script = path.join(projectRoot(), "tests/helpers/pglite-lock-holder.ts");
  const shell = spawn("sh", ["-c", `node --import tsx "${script}" "${dir}" & echo "pid $!"; exec sleep 120`], {
    cwd: projectRoot(),
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(shell);
  let output = "";
  await new Promise<void>((resolve, reject) => {
    shell.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("locked")) resolve();
    });
    shell.on("exit", () => reject(new Error(`the lock holder exited: ${output}`)));
  });
  const pid = Number(/pid (\d+)/.exec(output)![1]);
  holders.push(pid);
  expect(readFileSync(path.join(dir, "pglite.lock"), "utf8")).toBe(String(pid));
  return { dir, pid };
}

function processState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
}

describe("the embedded database's lock (#11)", () => {
  it("is taken over at once from a process killed with SIGKILL that still exists", async () => {
    const { dir, pid } = await lockHolder();
    process.kill(pid, "SIGKILL");
    // Wait (bounded by the test timeout) until the kernel has made it the zombie a restart meets.
    while (processState(pid) !== "Z") await new Promise((resolve) => setTimeout(resolve, 20));
    expect(() => process.kill(pid, 0)).not.toThrow();

    const release = await lockDataDir(dir, { waitMs: 0 });
    expect(readFileSync(path.join(dir, "pglite.lock"), "utf8")).toBe(String(process.pid));
    release();
  });

  it("is refused with a clear message, naming the process, while its holder really runs", async () => {
    const { dir, pid } = await lockHolder();
    const error = await lockDataDir(dir, { waitMs: 200 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect((error as Error).message).toContain(`already open in another process (pid ${pid})`);
    expect(readFileSync(path.join(dir, "pglite.lock"), "utf8")).toBe(String(pid));
  });

  it("waits while its holder runs, and takes the lock once the holder is killed", async () => {
    const { dir, pid } = await lockHolder();
    const taking = lockDataDir(dir, { waitMs: 30_000 });
    process.kill(pid, "SIGKILL");
    const release = await taking;
    expect(readFileSync(path.join(dir, "pglite.lock"), "utf8")).toBe(String(process.pid));
    release();
  });
});
