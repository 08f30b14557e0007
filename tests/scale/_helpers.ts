/**
 * Three real Kiln processes (tests/fixtures/scale/instance.ts: main.ts plus test hooks) sharing one
 * PostgreSQL schema, a store on that schema for the test to read what they wrote, and the small
 * loopback clients and fakes the multi-instance scenarios use.
 */
import type { JobRecord } from "../../lib/jobs/types.ts";
import { silentLogger } from "../../lib/log.ts";
import { openPostgresStore } from "../../lib/store/postgres/store.ts";
import type { KvStore } from "../../lib/store/types.ts";
import { dropTestSchema, testSchema } from "../support/backend.ts";
import { testRequestInit } from "../support/kiln.ts";
import { type ServerProcess, startServerProcess } from "../support/server_process.ts";
import { deadline } from "../support/wait.ts";

export const names = ["A", "B", "C"] as const;
export type Name = typeof names[number];

/** Set explicitly because the test must present them; every other module secret is generated. */
export const displayServiceToken = "scale-display-service-token-0123456789abcdef";
export const engineAdminKey = "scale-engine-admin-key-0123456789abcdef-0123";

// deno-lint-ignore no-explicit-any
export type Json = any;

export interface Instance extends ServerProcess {
  name: Name;
  dataDir: string;
  /** Sends a request to this instance; `json` sets the body (POST by default), `admin` the admin token. */
  call(path: string, init?: RequestInit & { json?: unknown; admin?: boolean }): Promise<Response>;
  /** The parsed log lines with `event`. */
  events(event: string): Record<string, unknown>[];
  /** SIGKILL: no shutdown, no lease release. */
  kill(): Promise<void>;
}

export interface Cluster extends AsyncDisposable {
  schema: string;
  instances: Instance[];
  /** The shared store, as the instances see it. */
  kv: KvStore;
}

const fixture = new URL("../fixtures/scale/instance.ts", import.meta.url).pathname;

/** Starts A, B and C at once on a fresh schema of DATABASE_URL; disposing stops them and drops it. */
export async function startCluster(env: Record<string, string> = {}): Promise<Cluster> {
  const schema = testSchema();
  const databaseUrl = Deno.env.get("DATABASE_URL")!;
  const store = await openPostgresStore({
    url: databaseUrl,
    schema,
    poolSize: 4,
    queueConcurrency: 1,
    log: silentLogger,
  });
  const instances: Instance[] = [];
  const dataDirs: string[] = [];
  const dispose = async () => {
    await Promise.all(instances.map(async (instance) => {
      try {
        instance.child.kill("SIGTERM");
      } catch { /* already gone (killed by the test) */ }
      await instance.child.status;
      await instance.finished;
    }));
    for (const dir of dataDirs) await Deno.remove(dir, { recursive: true });
    await store.close();
    await dropTestSchema(schema);
  };
  const started = await Promise.allSettled(names.map(async (name) => {
    const dataDir = await Deno.makeTempDir({ prefix: `kiln-scale-${name}-` });
    dataDirs.push(dataDir);
    const process = await startServerProcess(dataDir, {
      KILN_BACKEND: "postgres",
      DATABASE_URL: databaseUrl,
      KILN_PG_SCHEMA: schema,
      KILN_PG_POOL_SIZE: "10",
      KILN_SHUTDOWN_GRACE_MS: "1000",
      DISPLAY_SERVICE_TOKEN: displayServiceToken,
      ENGINE_ADMIN_KEY: engineAdminKey,
      SCALE_INSTANCE: name,
      ...env,
    }, { script: fixture });
    const instance = instanceOf(name, dataDir, process);
    instances.push(instance);
    return instance;
  }));
  const failed = started.find((result) => result.status === "rejected");
  if (failed) {
    await dispose();
    throw failed.reason;
  }
  instances.sort((a, b) => a.name.localeCompare(b.name));
  return { schema, instances, kv: store.kv, [Symbol.asyncDispose]: dispose };
}

function instanceOf(name: Name, dataDir: string, process: ServerProcess): Instance {
  return {
    ...process,
    name,
    dataDir,
    call: (path, init = {}) => fetch(`${process.url}${path}`, testRequestInit(init)),
    events: (event) => process.lines.filter((line) => line.event === event),
    async kill() {
      process.child.kill("SIGKILL");
      await process.child.status;
      await process.finished;
    },
  };
}

/** Reads a response's JSON body, failing with the body when the status is not `expected`. */
export async function expectJson(response: Response, expected: number): Promise<Json> {
  const text = await response.text();
  if (response.status !== expected) throw new Error(`expected ${expected}, got ${response.status}: ${text}`);
  return JSON.parse(text);
}

/** Enqueues `count` test jobs through the fixture's `/test/enqueue` on `instance`; returns their ids. */
export async function enqueue(
  instance: Instance,
  kind: "scale.count" | "scale.slow",
  count: number,
  input: Record<string, unknown> = {},
): Promise<string[]> {
  const response = await instance.call("/test/enqueue", { json: { kind, count, input }, admin: true });
  return (await expectJson(response, 201)).ids;
}

/** Every entry under `prefix`. */
export async function listAll<T>(kv: KvStore, prefix: Deno.KvKey): Promise<Deno.KvEntry<T>[]> {
  return await Array.fromAsync(kv.list<T>({ prefix }));
}

/** Job records of one kind, by id. */
export async function jobsOfKind(kv: KvStore, kind: string): Promise<Map<string, JobRecord>> {
  const records = await listAll<JobRecord>(kv, ["jobs", "job"]);
  return new Map(
    records.filter((entry) => entry.value.kind === kind).map((entry) => [entry.value.id, entry.value]),
  );
}

/** A WebSocket client that keeps every JSON message; `close()` waits for the close handshake. */
export async function openSocket(url: string) {
  const socket = new WebSocket(url);
  const messages: Json[] = [];
  const waiters = new Set<() => void>();
  const closed = new Promise<void>((resolve) => (socket.onclose = () => resolve()));
  socket.onmessage = (event) => {
    messages.push(JSON.parse(event.data));
    for (const wake of waiters) wake();
  };
  await deadline(
    new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error(`WebSocket ${url} failed`));
    }),
    "the WebSocket to open",
  );
  return {
    messages,
    async until(test: (messages: Json[]) => boolean, what: string, ms = 10_000): Promise<void> {
      let wake = () => {};
      const done = new Promise<void>((resolve) => (wake = () => test(messages) && resolve()));
      waiters.add(wake);
      try {
        wake();
        await deadline(done, () => `${what} (got ${JSON.stringify(messages)})`, ms);
      } finally {
        waiters.delete(wake);
      }
    },
    async close() {
      socket.close();
      await closed;
    },
  };
}

/** A loopback ingest service that acknowledges every finalize call and keeps it. */
export function fakeIngest() {
  const received: { path: string; body: string; signature: string | null }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    received.push({
      path: new URL(request.url).pathname,
      body: await request.text(),
      signature: request.headers.get("x-kiln-signature"),
    });
    return Response.json({ ok: true });
  });
  return { received, url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}
