/**
 * What only a shared PostgreSQL store can show: two stores on one schema behave like two instances.
 * Writes through one wake watchers and live subscribers of the other (LISTEN/NOTIFY), a dropped
 * LISTEN connection loses nothing, queue messages run once across both, periodic tasks fire once
 * per cluster, and generated secrets agree. Runs under `deno task test:postgres`.
 */
import assert from "node:assert/strict";
import pg from "pg";
import { createKvChangeFeed } from "../../lib/live/kv_feed.ts";
import type { LiveEvent } from "../../lib/live/types.ts";
import { silentLogger } from "../../lib/log.ts";
import { createSharedSecretStore } from "../../lib/secrets.ts";
import { openPostgresStore, type PostgresStore } from "../../lib/store/postgres/store.ts";
import { dropTestSchema, postgresOnly, testSchema } from "../support/backend.ts";
import { waitFor } from "../support/wait.ts";

const url = Deno.env.get("DATABASE_URL") ?? "";

/** Two "instances" (stores with their own pools and LISTEN connections) on one fresh schema. */
async function pair(
  fn: (a: PostgresStore, b: PostgresStore, schema: string) => Promise<void>,
): Promise<void> {
  const schema = testSchema();
  const open = () => openPostgresStore({ url, schema, poolSize: 5, queueConcurrency: 5, log: silentLogger });
  const a = await open();
  const b = await open();
  try {
    await fn(a, b, schema);
  } finally {
    await Promise.all([a.close(), b.close()]);
    await dropTestSchema(schema);
  }
}

const ignore = postgresOnly("the two-instance PostgreSQL store tests");

function clusterTest(
  name: string,
  fn: (a: PostgresStore, b: PostgresStore, schema: string) => Promise<void>,
): void {
  Deno.test({ name, ignore, fn: () => pair(fn) });
}

clusterTest("a write through one instance wakes a watcher on the other", async (a, b) => {
  const reader = b.kv.watch([["shared", "key"]]).getReader();
  try {
    assert.equal((await reader.read()).value?.[0].value, null);
    await a.kv.set(["shared", "key"], "from a");
    assert.equal((await reader.read()).value?.[0].value, "from a");
  } finally {
    await reader.cancel();
  }
});

clusterTest(
  "live events published on one instance reach the other's subscribers in order, across a dropped LISTEN connection",
  async (a, b) => {
    const feedA = createKvChangeFeed({ kv: a.kv, log: silentLogger });
    const feedB = createKvChangeFeed({ kv: b.kv, log: silentLogger });
    const seen: number[] = [];
    const subscription = feedB.subscribe(
      "room",
      0,
      (event: LiveEvent) => seen.push((event.data as { n: number }).n),
    );
    try {
      for (let n = 1; n <= 10; n++) await feedA.publish("room", "tick", { n });
      await waitFor("10 events on the other instance", () => seen.length === 10);
      // Cut every LISTEN connection: notifications sent while they are down are lost, so the
      // subscriber must catch up by re-reading after the reconnect.
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        const { rows } = await admin.query(
          "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE query LIKE 'LISTEN t\\_%'",
        );
        assert.ok(rows.length >= 1, "a LISTEN connection was cut");
      } finally {
        await admin.end();
      }
      for (let n = 11; n <= 20; n++) await feedA.publish("room", "tick", { n });
      await waitFor("the events published while disconnected", () => seen.length === 20, 10_000);
      assert.deepEqual(seen, Array.from({ length: 20 }, (_, i) => i + 1));
    } finally {
      subscription.close();
      await Promise.all([feedA.close(), feedB.close()]);
    }
  },
);

clusterTest("queue messages are spread over both instances and each runs exactly once", async (a, b) => {
  const runs = new Map<number, number>();
  const byInstance = { a: 0, b: 0 };
  const handler = (instance: "a" | "b") => (message: unknown) => {
    const n = (message as { n: number }).n;
    runs.set(n, (runs.get(n) ?? 0) + 1);
    byInstance[instance]++;
    return new Promise<void>((resolve) => setTimeout(resolve, 2)); // a little work, so both pick some up
  };
  const listening = [a.kv.listenQueue(handler("a")), b.kv.listenQueue(handler("b"))];
  for (let n = 0; n < 300; n++) await a.kv.enqueue({ n });
  await waitFor("300 messages", () => runs.size === 300, 10_000);
  assert.ok([...runs.values()].every((count) => count === 1), "no message ran twice");
  assert.ok(byInstance.a > 0 && byInstance.b > 0, `both instances worked: ${JSON.stringify(byInstance)}`);
  await Promise.all([a.runtime.stop(), b.runtime.stop()]);
  await Promise.all(listening);
});

clusterTest(
  "a periodic task registered on both instances fires once per interval for the cluster",
  async (a, b) => {
    const runs: number[] = [];
    const task = () => {
      runs.push(Date.now());
      return Promise.resolve();
    };
    a.runtime.scheduler.every("tick", 400, task);
    b.runtime.scheduler.every("tick", 400, task);
    const listening = [a.kv.listenQueue(() => {}), b.kv.listenQueue(() => {})];
    await waitFor("five runs", () => runs.length >= 5, 10_000);
    await Promise.all([a.runtime.stop(), b.runtime.stop()]);
    await Promise.all(listening);
    const gaps = runs.slice(1).map((at, i) => at - runs[i]);
    // Per instance, two timers would fire close together; once per cluster, runs are an interval apart.
    assert.ok(gaps.every((gap) => gap >= 300), `gaps between runs: ${gaps.join(", ")} ms`);
  },
);

clusterTest(
  "a timer whose holder died (locked for hours by Graphile) is re-created by the others",
  async (a, b, schema) => {
    const runs: number[] = [];
    const task = () => (runs.push(Date.now()), Promise.resolve());
    a.runtime.scheduler.every("tick", 300, task);
    b.runtime.scheduler.every("tick", 300, task);
    const listening = [a.kv.listenQueue(() => {}), b.kv.listenQueue(() => {})];
    try {
      await waitFor("the first run", () => runs.length >= 1, 10_000);
      // What a kill -9 between taking the timer and re-adding it leaves behind: the only timer job,
      // locked by a worker that will never finish it.
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await waitFor("the timer locked by a dead worker", async () => {
          const { rowCount } = await admin.query(
            `UPDATE ${schema}_worker._private_jobs SET locked_at = now(), locked_by = 'dead-worker'
           WHERE key = 'kiln_timer:tick' AND locked_at IS NULL`,
          );
          return rowCount === 1;
        });
      } finally {
        await admin.end();
      }
      const before = runs.length;
      await waitFor("the clock to run again", () => runs.length >= before + 2, 15_000);
    } finally {
      await Promise.all([a.runtime.stop(), b.runtime.stop()]);
      await Promise.all(listening);
    }
  },
);

clusterTest("generated secrets are shared: concurrent first starts agree on one value", async (a, b) => {
  const values = await Promise.all([
    ...Array.from(
      { length: 5 },
      () => createSharedSecretStore(a.kv).ensure("SIGNING_KEY", undefined),
    ),
    ...Array.from(
      { length: 5 },
      () => createSharedSecretStore(b.kv).ensure("SIGNING_KEY", undefined),
    ),
  ]);
  assert.equal(new Set(values).size, 1);
  assert.ok(values[0].length >= 43);
});
