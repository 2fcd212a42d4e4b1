// Small helpers shared by the benchmarks: repeat a task, print each row's ratio to the first row of
// its table (the baseline, measured in the same run on the same machine), find a free port, print a
// plain table, and read a process's CPU time.
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

export type Timing = { name: string; rounds: number; medianMs: number; p90Ms: number };

export async function timeRepeated(name: string, rounds: number, task: () => Promise<void>): Promise<Timing> {
  await task(); // warm-up: module loading and first-use costs are not what we measure
  const samples: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const started = performance.now();
    await task();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { name, rounds, medianMs: at(0.5), p90Ms: at(0.9) };
}

export function report(title: string, rows: Timing[]): void {
  const baseline = rows[0]!;
  console.log(`\n${title}`);
  console.log(`${"".padEnd(58)}  median ms   p90 ms   vs baseline`);
  for (const row of rows) {
    const ratio = row.medianMs / baseline.medianMs;
    console.log(
      `${row.name.padEnd(58)}  ${row.medianMs.toFixed(1).padStart(9)}  ${row.p90Ms.toFixed(1).padStart(7)}   ${row === baseline ? "baseline" : `${ratio.toFixed(2)}×`}`,
    );
  }
}

/** A TCP port nothing listens on right now (the OS picks it), for servers a benchmark starts. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Prints rows under a header, each column as wide as its widest cell; the first column left-aligned. */
export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const row of rows) console.log(line(row));
}

/** USER_HZ, the unit of /proc/<pid>/stat times: 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (Linux; null elsewhere). */
export function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // After "pid (comm) ", field 3 (state) comes first: utime and stime (fields 14, 15) are at 11, 12.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
