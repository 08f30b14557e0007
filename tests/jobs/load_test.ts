import { z } from "zod";
import { assertStrictEquals, deferred, harness, waitFor } from "./helpers.ts";

Deno.test("2,000 jobs through the real KV queue: none lost, none run twice", async () => {
  const runs = new Map<string, number>();
  const all = deferred<void>();
  const total = 2_000;
  const app = await harness({
    setup: (engine) =>
      engine.define("noop", z.object({ i: z.number() }), ({ jobId }) => {
        runs.set(jobId, (runs.get(jobId) ?? 0) + 1);
        if (runs.size === total) all.resolve();
        return Promise.resolve(null);
      }),
  });
  try {
    const ids: string[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: 50 }, async () => {
      while (next < total) {
        next++;
        ids.push((await app.engine.enqueue("noop", { i: next })).id);
      }
    }));
    await all.promise;
    await waitFor("every completion to commit", async () => {
      const counts = await app.engine.counts();
      return counts.queued === 0 && counts.running === 0;
    });
    let succeeded = 0;
    for (let i = 0; i < ids.length; i += 10) {
      const entries = await app.kv.getMany<{ status: string }[]>(
        ids.slice(i, i + 10).map((id) => ["jobs", "job", id]),
      );
      succeeded += entries.filter((entry) => entry.value?.status === "succeeded").length;
    }
    assertStrictEquals(succeeded, total);
    assertStrictEquals([...runs.values()].filter((n) => n !== 1).length, 0);
  } finally {
    await app.close();
  }
});
