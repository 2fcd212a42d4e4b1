// npm run build && npm run bench -- forgot-password-timing
// Does "forgot password" take longer for an email that has an account? (#11 measured 12.1 ms against
// 6.2 ms median when the request itself looked the email up and wrote the link.) Starts the
// production build on a fresh embedded database, signs up BENCH_ACCOUNTS accounts (default 60), then
// alternates requests for an account's email and for an unknown one, each email asked once and from
// its own address (TRUST_PROXY with X-Forwarded-For, so the per-IP and per-email limits never refuse
// one), and reports the medians. The baseline row is the unknown emails.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildState } from "../scripts/build-freshness.mjs";
import { projectRoot } from "../server/utils/project-root";
import { freePort, report, type Timing } from "./lib";

const READY_TIMEOUT_MS = 120_000;

function summary(name: string, samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { name, rounds: samples.length, medianMs: at(0.5), p90Ms: at(0.9) };
}

export async function run() {
  const root = projectRoot();
  if (buildState(root) !== "fresh") {
    console.error("forgot-password-timing measures the production build: run `npm run build` first.");
    process.exit(2);
  }
  const accounts = Number(process.env.BENCH_ACCOUNTS ?? 60);
  const dataDir = mkdtempSync(path.join(tmpdir(), "sac-forgot-bench-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [path.join(root, "build", "server-entry.js")], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DEMO_MODE: "false",
      TRUST_PROXY: "true",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode} before it was ready`);
      if (
        await fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (Date.now() > deadline) throw new Error("the app did not answer /healthz in time");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    let address = 0;
    const post = (pathname: string, fields: Record<string, string>) => {
      address += 1;
      return fetch(`${url}${pathname}`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: url,
          "x-forwarded-for": `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`,
        },
        body: new URLSearchParams(fields).toString(),
        redirect: "manual",
      });
    };
    const known: string[] = [];
    for (let i = 0; i < accounts + 10; i += 1) {
      const email = `bench-${i}@timing.example`;
      const response = await post("/signup", { name: `Bench ${i}`, email, password: "a bench password" });
      if (response.status !== 302) throw new Error(`sign-up answered ${response.status}`);
      known.push(email);
    }
    const ask = async (email: string) => {
      const started = performance.now();
      const response = await post("/forgot-password", { email });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`forgot-password answered ${response.status}`);
      return performance.now() - started;
    };
    // Warm-up: first-use costs (the job queue, query plans) are not what we measure.
    for (let i = 0; i < 10; i += 1) {
      await ask(known.pop()!);
      await ask(`warm-${i}@nobody.example`);
    }
    const existing: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < accounts; i += 1) {
      unknown.push(await ask(`nobody-${i}@nobody.example`));
      existing.push(await ask(known[i]!));
    }
    report(`POST /forgot-password, ${accounts} emails each, alternating (production build, embedded database)`, [
      summary("an email no account uses", unknown),
      summary("an account's email", existing),
    ]);
  } finally {
    child.kill("SIGTERM");
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}
