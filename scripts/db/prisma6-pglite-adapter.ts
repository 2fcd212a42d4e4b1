// A PGlite driver adapter for Prisma 6.19's WebAssembly schema engine, used only to AUTHOR and
// CHECK migrations on machines that cannot download Prisma's native engines
// (docs/decisions/003-prisma-without-engine-downloads.md). Never used by the app.
//
// It wraps pglite-prisma-adapter 0.6.1 (installed as `pglite-prisma-adapter-06`) with the three
// fixes that diffing needs, without patching node_modules:
//  1. multi-statement scripts without parameters run through `exec` (the extended protocol behind
//     `query` accepts one statement only);
//  2. the throwaway shadow database has the schema's extensions (pg_trgm) available;
//  3. `executeScript` is awaited, so errors surface and statements do not overlap.
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPGlite } from "pglite-prisma-adapter-06";

type Factory = InstanceType<typeof PrismaPGlite>;
type Adapter = Awaited<ReturnType<Factory["connect"]>>;
type SqlQuery = Parameters<Adapter["queryRaw"]>[0];

function newMemoryPGlite(): PGlite {
  // Only ever in memory: the authoring tool must never open a real data directory.
  return new PGlite({ dataDir: "memory://", extensions: { pg_trgm } });
}

function hasSeveralStatements(sql: string): boolean {
  return sql.trim().replace(/;\s*$/, "").includes(";");
}

function fixAdapter(inner: Adapter, client: PGlite): Adapter {
  const runScript = async (script: string) => {
    await client.exec(script);
  };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === "executeScript") {
        return async (script: string) => {
          try {
            await runScript(script);
          } catch (error) {
            // Let the wrapped adapter translate the Postgres error for the engine.
            return target.executeRaw({ sql: script, args: [], argTypes: [] }).then(() => {
              throw error;
            });
          }
        };
      }
      if (prop === "executeRaw" || prop === "queryRaw") {
        return async (query: SqlQuery) => {
          if (query.args.length === 0 && hasSeveralStatements(query.sql)) {
            await runScript(query.sql);
            return prop === "executeRaw" ? 0 : { columnNames: [], columnTypes: [], rows: [] };
          }
          return (target[prop] as (q: SqlQuery) => Promise<unknown>).call(target, query);
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

export function createAuthoringAdapter() {
  const main = newMemoryPGlite();
  const inner = new PrismaPGlite(main);
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect() {
      return fixAdapter(await inner.connect(), main);
    },
    async connectToShadowDb() {
      const shadow = newMemoryPGlite();
      return fixAdapter(await new PrismaPGlite(shadow).connect(), shadow);
    },
  };
}
