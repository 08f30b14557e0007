/**
 * One "instance" for the scale benchmark: the job engine on the PostgreSQL store (DATABASE_URL,
 * KILN_PG_SCHEMA) with the no-op job kind the benchmark enqueues. Prints READY once it listens;
 * SIGTERM stops it. A process of its own, like a real instance, so instances compete for the CPU
 * and the database exactly as they would on one machine.
 */
import { z } from "zod";
import { createJobEngine } from "../lib/jobs/engine.ts";
import { createKvJobQueue, createQueueDispatcher } from "../lib/jobs/kv_queue.ts";
import { createKvChangeFeed } from "../lib/live/kv_feed.ts";
import { silentLogger as log } from "../lib/log.ts";
import { openPostgresStore, type PostgresStore } from "../lib/store/postgres/store.ts";

/** The engine as an instance wires it on Postgres (queue wake-ups only), with `bench.noop` defined. */
export function benchEngine(store: PostgresStore) {
  const feed = createKvChangeFeed({ kv: store.kv, log });
  const dispatcher = createQueueDispatcher(store.kv, log);
  const jobs = createJobEngine({
    kv: store.kv,
    queue: createKvJobQueue(store.kv, dispatcher, log, { localHandOff: false }),
    feed,
    scheduler: store.runtime.scheduler,
    log,
  });
  jobs.define("bench.noop", z.object({ i: z.number().int() }), () => Promise.resolve(undefined));
  return { jobs, feed, dispatcher };
}

if (import.meta.main) {
  const store = await openPostgresStore({
    url: Deno.env.get("DATABASE_URL")!,
    schema: Deno.env.get("KILN_PG_SCHEMA")!,
    poolSize: 20,
    queueConcurrency: 30, // KILN_PG_QUEUE_CONCURRENCY's default
    log,
  });
  const { jobs, feed, dispatcher } = benchEngine(store);
  jobs.start();
  dispatcher.start();
  console.log("READY");
  Deno.addSignalListener("SIGTERM", async () => {
    await jobs.stop(0);
    await feed.close();
    await store.close();
    Deno.exit(0);
  });
}
