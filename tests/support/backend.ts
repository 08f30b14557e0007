/**
 * The storage backend under test. `deno task test` runs on Deno KV (`:memory:` or a temp file);
 * `deno task test:postgres` sets KILN_BACKEND=postgres and DATABASE_URL (a throwaway cluster), and
 * every store a test opens is then a fresh schema in it, dropped when the test closes it — so the
 * same tests are the contract suite of both backends.
 */
import pg from "pg";
import { silentLogger } from "../../lib/log.ts";
import { openDenoKv } from "../../lib/store/open.ts";
import { openPostgresStore } from "../../lib/store/postgres/store.ts";
import type { KvStore } from "../../lib/store/types.ts";

export const testBackend: "kv" | "postgres" = Deno.env.get("KILN_BACKEND") === "postgres" ? "postgres" : "kv";
const databaseUrl = Deno.env.get("DATABASE_URL") ?? "";

if (testBackend === "postgres" && !databaseUrl) throw new Error("KILN_BACKEND=postgres needs DATABASE_URL");

/**
 * `ignore` for tests that need PostgreSQL: true on the Deno KV run, which then says so (the skipped
 * tests would otherwise show only as "ignored" with no reason).
 */
export function postgresOnly(what: string): boolean {
  if (testBackend === "postgres") return false;
  console.warn(`ignoring ${what}: they need PostgreSQL; run ./deno task test:postgres`);
  return true;
}

export interface TestStore {
  kv: KvStore;
  /** True when wake-ups must go through the queue (any instance may take them). */
  shared: boolean;
  close(): Promise<void>;
}

/** A fresh schema name. */
export function testSchema(): string {
  return `t_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

/**
 * Where a store that several processes (or restarts) share lives: a KV file in `dir`, or a fresh
 * schema. Pass it to `openTestStore({ location, keep: true })` in each; drop it with `removeTestLocation`.
 */
export function newTestLocation(dir: string): string {
  return testBackend === "kv" ? `${dir}/kv.sqlite3` : testSchema();
}

export async function removeTestLocation(location: string): Promise<void> {
  if (testBackend === "postgres") await dropTestSchema(location);
}

/**
 * Opens a store: a fresh one by default, or the one at `location` (see `newTestLocation`); `keep`
 * leaves its data when closing, for tests that restart a "process" on the same data.
 */
export async function openTestStore(options: { location?: string; keep?: boolean } = {}): Promise<TestStore> {
  if (testBackend === "kv") {
    const { kv, close } = await openDenoKv(options.location ?? ":memory:");
    return { kv, shared: false, close: () => Promise.resolve(close()) };
  }
  const schema = options.location ?? testSchema();
  const store = await openPostgresStore({
    url: databaseUrl,
    schema,
    poolSize: 10,
    queueConcurrency: 30, // KILN_PG_QUEUE_CONCURRENCY's default
    log: silentLogger,
  });
  return {
    kv: store.kv,
    shared: true,
    async close() {
      await store.close();
      if (!options.keep) await dropTestSchema(schema);
    },
  };
}

/** Environment for `createKiln`/`loadConfig` selecting the backend under test, and its clean-up. */
export function testBackendEnv(): { env: Record<string, string>; cleanup(): Promise<void> } {
  if (testBackend === "kv") return { env: { KILN_KV_PATH: ":memory:" }, cleanup: () => Promise.resolve() };
  const schema = testSchema();
  return {
    env: {
      KILN_BACKEND: "postgres",
      DATABASE_URL: databaseUrl,
      KILN_PG_SCHEMA: schema,
      KILN_PG_POOL_SIZE: "10",
    },
    cleanup: () => dropTestSchema(schema),
  };
}

export async function dropTestSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_worker CASCADE`,
    );
  } finally {
    await client.end();
  }
}
