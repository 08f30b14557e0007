/**
 * `KvStore` on PostgreSQL: the KV contract (versionstamps, atomic checks, ranges, expiry, watches,
 * a durable queue) on a shared database, so N instances behave like one process on Deno KV.
 * Reads are plain SELECTs and writes `kv_commit_batch` calls (schema.ts); reads, and commits, made at
 * the same time share a round trip (../batcher.ts, commit_batch.ts); watches follow LISTEN/NOTIFY
 * (notifications.ts); the queue is Graphile Worker (worker.ts).
 */
import pg from "pg";
import { runMigrations } from "graphile-worker";
import type { Logger } from "../../log.ts";
import type { KvStore } from "../types.ts";
import { createAtomicOperation } from "./atomic.ts";
import { createBatcher } from "../batcher.ts";
import { createCommitter, formatVersion } from "./commit_batch.ts";
import { toBase64Url, toHex } from "../../hmac.ts";
import { decodeKey, encodeKey, prefixRange } from "../key_codec.ts";
import { createKeyNotifications } from "./notifications.ts";
import { migrationSql, schemaNames } from "./schema.ts";
import { decodeValue } from "./value_codec.ts";
import { createGraphileRuntime, type GraphileRuntime } from "./worker.ts";

export interface PostgresStoreOptions {
  url: string;
  /** Schema for Kiln's tables; Graphile Worker uses `<schema>_worker`. */
  schema: string;
  poolSize: number;
  /** Queue messages one instance processes at once. */
  queueConcurrency: number;
  /** Commits sent at once (default 2); the ones arriving meanwhile share the next round trip. */
  commitsInFlight?: number;
  /** Point reads sent at once (default 4); the ones arriving meanwhile share the next query. */
  readsInFlight?: number;
  log: Logger;
}

export interface PostgresStore {
  kv: KvStore;
  runtime: GraphileRuntime;
  /** Deletes expired rows (reads already ignore them). */
  purgeExpired(): Promise<number>;
  close(): Promise<void>;
}

type Row = { key: Uint8Array; value: Uint8Array; versionstamp: string };

const live = "(expires_at IS NULL OR expires_at > clock_timestamp())";

export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const names = schemaNames(options.schema);
  const { schema } = names;
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize });
  // Idle clients can lose their connection (a database restart); log it instead of crashing.
  pool.on("error", (error) => options.log.warn("postgres_pool_error", { error: error.message }));
  pool.on("connect", (client) => client.on("error", () => {}));
  try {
    await runMigrations({ pgPool: pool, schema: names.workerSchema });
    await pool.query(`BEGIN; ${migrationSql(names)} COMMIT;`);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const notifications = createKeyNotifications(options.url, names.channel, options.log);
  const runtime = createGraphileRuntime(pool, names, options.log, { concurrency: options.queueConcurrency });
  const closers = new Set<() => void>();
  /**
   * Group execution keeps the database's per-statement work down under load while adding nothing
   * when idle (a call leaves at once while fewer than the limit are running). Commits are held to
   * `commitsInFlight` (default 2): each `kv_commit_batch` call costs the database ≈ 0.7 ms whatever
   * it carries, and with one call per commit a job's three commits were most of PostgreSQL's CPU;
   * two in flight let the commits arriving meanwhile share a call (9,001 calls for 3,000 jobs
   * became ≈ 1,450). Point reads are held to `readsInFlight` (default 4): at the pool's width (20)
   * nearly every read of a busy instance went alone, and four in flight raised one instance's
   * jobs/s 1.1–1.2× (same-run pairs, with 30 queue messages at once) at less CPU per job in all
   * three processes. Fewer than 4 gained nothing more.
   */
  const readsInFlight = Math.min(options.readsInFlight ?? 4, options.poolSize);

  const entry = (key: Deno.KvKey, row: Row | undefined): Deno.KvEntryMaybe<unknown> =>
    row
      ? { key, value: decodeValue(row.value), versionstamp: formatVersion(row.versionstamp) }
      : { key, value: null, versionstamp: null };

  /** Reads made at the same time share one query (a batch of at most 1,000 keys). */
  const read = createBatcher<Uint8Array[], Map<string, Row>>({
    maxInFlight: readsInFlight,
    admit() {
      let keys = 0;
      return (batchKeys) => {
        if (keys + batchKeys.length > 1_000) return "later";
        keys += batchKeys.length;
        return true;
      };
    },
    async run(batch) {
      const { rows } = await pool.query<Row>({
        name: `${schema}.kv_get_many`,
        text: `SELECT key, value, versionstamp FROM ${schema}.kv WHERE key = ANY($1) AND ${live}`,
        values: [batch.flatMap((pending) => pending.item)],
      });
      const byHex = new Map(rows.map((row) => [toHex(row.key), row]));
      for (const pending of batch) pending.resolve(byHex);
    },
  });

  async function getMany(keys: readonly Deno.KvKey[]): Promise<Deno.KvEntryMaybe<unknown>[]> {
    const encoded = keys.map(encodeKey);
    const byHex = await read(encoded);
    return keys.map((key, i) => entry(key, byHex.get(toHex(encoded[i]))));
  }

  const commit = createCommitter(pool, names, {
    maxInFlight: Math.min(options.commitsInFlight ?? 2, options.poolSize),
    onCommitted: (written) => notifications.notifyLocal(written),
  });

  function list(selector: Deno.KvListSelector, listOptions: Deno.KvListOptions = {}) {
    let { start, end } = "prefix" in selector
      ? prefixRange(selector.prefix)
      : { start: undefined, end: undefined };
    if ("start" in selector && selector.start) start = encodeKey(selector.start);
    if ("end" in selector && selector.end) end = encodeKey(selector.end);
    const reverse = listOptions.reverse ?? false;
    let remaining = listOptions.limit ?? Infinity;
    const batchSize = Math.max(1, Math.min(listOptions.batchSize ?? 500, 1_000));
    let after: Uint8Array | undefined;
    let lastKey: Uint8Array | undefined;

    async function* entries(): AsyncGenerator<Deno.KvEntry<unknown>> {
      if (listOptions.cursor) after = decodeCursor(listOptions.cursor, start, end);
      while (remaining > 0) {
        const conditions = [live];
        const values: unknown[] = [];
        const bound = (sql: string, value: Uint8Array | undefined) => {
          if (value === undefined) return;
          values.push(value);
          conditions.push(`key ${sql} $${values.length}`);
        };
        bound(">=", start);
        bound("<", end);
        bound(reverse ? "<" : ">", after);
        values.push(Math.min(batchSize, remaining));
        const { rows } = await pool.query<Row>(
          `SELECT key, value, versionstamp FROM ${schema}.kv WHERE ${conditions.join(" AND ")}
           ORDER BY key ${reverse ? "DESC" : "ASC"} LIMIT $${values.length}`,
          values,
        );
        for (const row of rows) {
          lastKey = row.key;
          remaining--;
          yield entry(decodeKey(row.key), row) as Deno.KvEntry<unknown>;
        }
        if (rows.length < batchSize) return;
        after = rows[rows.length - 1].key;
      }
    }
    return Object.defineProperty(entries(), "cursor", { get: () => lastKey ? toBase64Url(lastKey) : "" });
  }

  function watch(keys: readonly Deno.KvKey[]): ReadableStream<Deno.KvEntryMaybe<unknown>[]> {
    let dirty = true;
    let wake: (() => void) | null = null;
    let last: string | null = null;
    let done = false;
    let controller!: ReadableStreamDefaultController<Deno.KvEntryMaybe<unknown>[]>;
    const poke = () => {
      dirty = true;
      wake?.();
      wake = null;
    };
    const unsubscribe = notifications.subscribe(keys.map((key) => toHex(encodeKey(key))), poke);
    const finish = () => {
      if (done) return;
      done = true;
      unsubscribe();
      closers.delete(closeStream);
      wake?.();
    };
    const closeStream = () => {
      finish();
      try {
        controller.close();
      } catch { /* already closed */ }
    };
    closers.add(closeStream);
    return new ReadableStream({
      start(streamController) {
        controller = streamController;
      },
      async pull(streamController) {
        while (!done) {
          if (!dirty) await new Promise<void>((resolve) => (wake = resolve));
          if (done) return;
          dirty = false;
          const entries = await getMany(keys);
          const versions = entries.map((entry) => entry.versionstamp ?? "-").join(",");
          if (versions !== last) {
            last = versions;
            streamController.enqueue(entries);
            return;
          }
        }
      },
      cancel: finish,
    }, { highWaterMark: 0 });
  }

  const kv = {
    async get(key: Deno.KvKey) {
      return (await getMany([key]))[0];
    },
    getMany,
    list,
    atomic: () => createAtomicOperation(commit),
    set: (key: Deno.KvKey, value: unknown, setOptions?: { expireIn?: number }) =>
      createAtomicOperation(commit).set(key, value, setOptions).commit(),
    async delete(key: Deno.KvKey) {
      await createAtomicOperation(commit).delete(key).commit();
    },
    enqueue: (value: unknown, enqueueOptions?: { delay?: number }) =>
      createAtomicOperation(commit).enqueue(value, enqueueOptions).commit(),
    listenQueue: (handler: (message: unknown) => Promise<void> | void) => runtime.listen(handler),
    watch,
  };

  return {
    kv: kv as unknown as KvStore,
    runtime,
    async purgeExpired() {
      const result = await pool.query(`DELETE FROM ${schema}.kv WHERE expires_at <= clock_timestamp()`);
      return result.rowCount ?? 0;
    },
    async close() {
      for (const close of [...closers]) close();
      await runtime.stop();
      await notifications.close();
      await pool.end();
    },
  };
}

/** Like Deno KV, a cursor that does not point inside the listed range is a TypeError. */
function decodeCursor(
  cursor: string,
  start: Uint8Array | undefined,
  end: Uint8Array | undefined,
): Uint8Array {
  let key: Uint8Array;
  try {
    const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    key = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    throw new TypeError("invalid cursor");
  }
  if ((start && compareBytes(key, start) < 0) || (end && compareBytes(key, end) >= 0)) {
    throw new TypeError("invalid cursor");
  }
  return key;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
