/**
 * Live fan-out latency (SPEC §3: update → browser-side event p99 < 20 ms with 1,000 SSE clients).
 *
 * The whole Kiln app (`createKiln`, `:memory:` KV, access log on into a discarding sink) is served
 * by `Deno.serve` on a loopback port in this process. 1,000 `fetch` clients follow one queued job
 * through the real route `GET /api/jobs/:id/events` and parse the SSE stream incrementally. Then 100
 * events are published on the job's topic as a job transition does — staged in the commit that
 * bumps the record's revision, the topic's head — one at a time (the next only after every client
 * has the previous one, plus a short pause), each stamped with the time of publish; every client
 * records publish→receipt of every event.
 *
 * Measured three times on the same server:
 * - `fetch` clients on a worker thread (informational): the server's JS thread does only server
 *   work, but on two cores the worker's own parsing of 1,000 fetch streams dominates the figure;
 * - `fetch` clients on the server's own thread (informational): this process parses 1,000 streams
 *   between server turns, a pessimistic bound;
 * - raw-socket clients on a worker thread (the target row): HTTP/1.1 over `Deno.connect`, parsed by
 *   hand — when the bytes reach the clients' sockets, which is what a browser on another machine
 *   sees, without the cost of 1,000 fetch clients sharing the server's two cores.
 * Two in-process probe subscribers, the first and the last of the topic's 1,000+ listeners, show
 * how much of the latency is the server's fan-out itself (publish → last listener callback).
 */
import { loadConfig } from "../../fresh.config.ts";
import { silentLogger } from "../../lib/log.ts";
import type { ChangeFeed, Subscription } from "../../lib/live/types.ts";
import { jobKeys } from "../../lib/jobs/keys.ts";
import type { JobRecord } from "../../lib/jobs/types.ts";
import { createKiln, type Kiln } from "../../main.ts";
import { benchEventType, type FleetOptions, now, SseFleet, type Transport } from "../live_clients.ts";
import type { WorkerReply, WorkerRequest } from "../live_worker.ts";
import {
  delay,
  openFileLimit,
  percentile,
  randomToken,
  type Row,
  row,
  tempDir,
  withDeadline,
} from "../support.ts";

const wantedClients = 1_000;
const warmupEvents = 3;
const measuredEvents = 100;
const pauseMs = 10;
const connectConcurrency = 100;
const connectDeadlineMs = 20_000;
const eventDeadlineMs = 5_000;

interface FleetResult {
  latencies: Float64Array;
  arrivalCounts: number[];
  failures: string[];
}

/** The clients, wherever they run. */
interface Fleet {
  connected: Promise<void>;
  arrived(i: number): Promise<void>;
  finish(): Promise<FleetResult>;
}

function localFleet(options: Omit<FleetOptions, "onArrived">): Fleet {
  const fleet = new SseFleet(options);
  const connected = fleet.connect().then(() => fleet.connected.done);
  return {
    connected,
    arrived: (i) => fleet.arrivals[i].done,
    async finish() {
      await fleet.close();
      return {
        latencies: fleet.latencies.slice(0, fleet.latencyCount),
        arrivalCounts: fleet.arrivals.map((arrival) => arrival.count),
        failures: [...fleet.failures],
      };
    },
  };
}

function workerFleet(options: Omit<FleetOptions, "onArrived">): Fleet {
  const worker = new Worker(new URL("../live_worker.ts", import.meta.url), { type: "module" });
  const send = (message: WorkerRequest) => worker.postMessage(message);
  const arrivals = Array.from({ length: options.totalEvents }, () => Promise.withResolvers<void>());
  const connected = Promise.withResolvers<void>();
  const result = Promise.withResolvers<FleetResult>();
  const fail = (error: Error) => {
    connected.reject(error);
    result.reject(error);
  };
  worker.onmessage = ({ data }: MessageEvent<WorkerReply>) => {
    if (data.type === "connected") connected.resolve();
    else if (data.type === "arrived") arrivals[data.i]?.resolve();
    else if (data.type === "error") fail(new Error(`SSE client worker: ${data.message}`));
    else if (data.type === "result") result.resolve(data);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    fail(new Error(`SSE client worker crashed: ${event.message}`));
  };
  connected.promise.catch(() => {}); // observed through `connected` by the caller
  send({ type: "start", options });
  return {
    connected: connected.promise,
    arrived: (i) => arrivals[i].promise,
    async finish() {
      send({ type: "finish" });
      try {
        return await withDeadline(result.promise, 10_000, "the SSE client worker to finish");
      } finally {
        worker.terminate();
      }
    },
  };
}

interface Measurement {
  clients: number;
  latencies: Float64Array;
  missed: number;
  /** publish → callback of the topic's first / last in-process subscriber (server-side fan-out). */
  firstListener: number[];
  lastListener: number[];
  connectMs: number;
}

/** One event on a job's topic: the record's next revision and the event, in one commit. */
async function publishOnJob(kiln: Kiln, id: string, data: unknown): Promise<void> {
  const { kv, live } = kiln.services;
  const entry = await kv.get<JobRecord>(jobKeys.job(id));
  if (!entry.value) throw new Error(`job ${id} is gone`);
  const next = { ...entry.value, revision: entry.value.revision + 1 };
  const operation = kv.atomic().check(entry).set(entry.key, next);
  const result = await live.stage(operation, kiln.services.jobs.topic(id), {
    seq: next.revision,
    type: benchEventType,
    data,
    at: Date.now(),
  }).commit();
  if (!result.ok) throw new Error(`job ${id} changed while the benchmark published on it`);
}

async function measure(
  kiln: Kiln,
  port: number,
  clients: number,
  where: "worker" | "local",
  transport: Transport,
): Promise<Measurement> {
  const { jobs, live } = kiln.services;
  // A job that stays queued for the whole run: its topic is the one every client follows.
  const job = await jobs.enqueue("demo.countdown", { steps: 1, stepMs: 0 }, { delay: 3_600_000 });
  const topic = jobs.topic(job.id);
  const totalEvents = warmupEvents + measuredEvents;
  const firstListener: number[] = [];
  const lastListener: number[] = [];
  const probes: Subscription[] = [];
  const probe = async (into: number[]) => {
    probes.push(subscribeProbe(live, topic, await live.head(topic), into));
  };

  await probe(firstListener);
  const options = {
    url: `http://127.0.0.1:${port}/api/jobs/${job.id}/events`,
    clients,
    transport,
    warmupEvents,
    totalEvents,
    connectConcurrency,
  };
  const connectStarted = performance.now();
  const fleet = where === "worker" ? workerFleet(options) : localFleet(options);
  let result: FleetResult | undefined;
  try {
    await withDeadline(
      fleet.connected,
      connectDeadlineMs,
      `${clients} SSE clients to get the job's snapshot`,
    );
    const connectMs = performance.now() - connectStarted;
    await probe(lastListener);

    for (let i = 0; i < totalEvents; i++) {
      await publishOnJob(kiln, job.id, { i, t: now() });
      await withDeadline(fleet.arrived(i), eventDeadlineMs, `event ${i} to reach ${clients} clients`).catch(
        () => {},
      );
      await delay(pauseMs);
    }
    result = await fleet.finish();
    if (result.failures.length > 0) {
      throw new Error(`${result.failures.length} SSE clients failed, e.g. ${result.failures[0]}`);
    }
    const missed = result.arrivalCounts.slice(warmupEvents).reduce(
      (sum, count) => sum + (clients - count),
      0,
    );
    return { clients, latencies: result.latencies, missed, firstListener, lastListener, connectMs };
  } finally {
    if (!result) await fleet.finish().catch(() => {});
    for (const subscription of probes) subscription.close();
  }
}

function summary(name: string, m: Measurement): string {
  const ms = (values: ArrayLike<number>, q: number) => `${percentile(values, q).toFixed(2)} ms`;
  return `bench: live (${name}): ${m.clients} clients connected in ${(m.connectMs / 1000).toFixed(2)} s; ` +
    `receipt p50 ${ms(m.latencies, 50)}, p99 ${
      ms(m.latencies, 99)
    }; server fan-out: publish→first listener ` +
    `p50 ${ms(m.firstListener, 50)}, →last listener p50 ${ms(m.lastListener, 50)}, p99 ${
      ms(m.lastListener, 99)
    }`;
}

function subscribeProbe(live: ChangeFeed, topic: string, afterSeq: number, into: number[]): Subscription {
  return live.subscribe(topic, afterSeq, (event) => {
    const received = now();
    const data = event.data as { i?: number; t?: number };
    if (event.type === benchEventType && typeof data.t === "number" && (data.i ?? 0) >= warmupEvents) {
      into.push(received - data.t);
    }
  });
}

export async function run(): Promise<Row[]> {
  // Each client holds two descriptors here (its socket and the server's end); keep ~200 spare.
  const limit = await openFileLimit();
  const clients = Math.max(1, Math.min(wantedClients, Math.floor((limit - 200) / 2)));
  if (clients < wantedClients) console.error(`bench: live: ulimit -n is ${limit}; using ${clients} clients`);

  await using data = await tempDir("kiln-bench-live-");
  const config = loadConfig({
    PORT: "0",
    KILN_DATA_DIR: data.path,
    KILN_KV_PATH: ":memory:",
    KILN_ADMIN_TOKEN: randomToken(),
    KILN_ACCESS_LOG: "true",
    KILN_SHUTDOWN_GRACE_MS: "0",
  });
  const kiln = await createKiln(config, { log: silentLogger });
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    (request, info) => kiln.app.fetch(request, info),
  );
  try {
    const port = server.addr.port;
    const worker = await measure(kiln, port, clients, "worker", "fetch");
    const local = await measure(kiln, port, clients, "local", "fetch");
    const socket = await measure(kiln, port, clients, "worker", "socket");
    console.error(summary("fetch, own thread", worker));
    console.error(summary("fetch, server's thread", local));
    console.error(summary("socket, own thread", socket));
    const shape = `${clients} clients × ${measuredEvents} events`;
    return [
      row(
        `live SSE publish→receipt p50 (${shape}, fetch clients on own thread)`,
        percentile(worker.latencies, 50),
        "ms",
      ),
      row(
        "live SSE publish→receipt p99 (fetch clients on own thread)",
        percentile(worker.latencies, 99),
        "ms",
      ),
      row(
        "live SSE publish→receipt max (fetch clients on own thread)",
        percentile(worker.latencies, 100),
        "ms",
      ),
      row("live SSE missed deliveries (all runs)", worker.missed + local.missed + socket.missed, "events", {
        target: { op: "==", value: 0 },
      }),
      row("live server fan-out: publish→last listener p99", percentile(worker.lastListener, 99), "ms"),
      row("live SSE p99, fetch clients on the server's thread", percentile(local.latencies, 99), "ms"),
      row("live SSE p50, raw-socket clients on own thread", percentile(socket.latencies, 50), "ms"),
      row(
        "live SSE publish→receipt p99, raw-socket clients on own thread",
        percentile(socket.latencies, 99),
        "ms",
        {
          target: { op: "<", value: 20 },
        },
      ),
    ];
  } finally {
    await kiln.close();
    await server.shutdown();
  }
}
