// npm run bench [-- <name> ...] — runs the benchmarks (all, or the named ones) and prints, for
// each, timings with ratios to a baseline measured in the same run. See README "Benchmarks".
export {};

const benchmarks: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  "test-db": () => import("./test-database-setup"),
  "search-demo": () => import("./search-demo"),
  "workspace-http": () => import("./workspace-http"),
  export: () => import("./export"),
  "forgot-password-timing": () => import("./forgot-password-timing"),
  // The issue #12 Gmail sync, then the issue #13 Salesforce first sync (each also on its own).
  sync: async () => {
    const [gmail, salesforce] = await Promise.all([import("./sync"), import("./sync-salesforce")]);
    return {
      run: async () => {
        await gmail.run();
        await salesforce.run();
      },
    };
  },
  "sync-gmail": () => import("./sync"),
  "sync-salesforce": () => import("./sync-salesforce"),
};

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));
const unknown = wanted.filter((name) => !Object.hasOwn(benchmarks, name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark: ${unknown.join(", ")}. Known: ${Object.keys(benchmarks).join(", ")}`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(benchmarks)) {
  const benchmark = await benchmarks[name]!();
  await benchmark.run();
}
