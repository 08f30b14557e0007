import assert from "node:assert/strict";
import { createHealthRegistry } from "../lib/health.ts";

Deno.test("a health check that never answers is reported down at the time limit; the others still count", async () => {
  const health = createHealthRegistry({ timeoutMs: 50, cacheMs: 0 });
  const hanging = Promise.withResolvers<never>();
  health.register("stuck", () => hanging.promise);
  health.register("kv", () => Promise.resolve({ state: "ok" }));
  health.register("broken", () => Promise.reject(new Error("refused")));
  const summary = await health.run();
  assert.equal(summary.state, "down");
  assert.deepEqual(summary.checks.stuck, { state: "down", error: "no answer within 50 ms" });
  assert.deepEqual(summary.checks.kv, { state: "ok" });
  assert.deepEqual(summary.checks.broken, { state: "down", error: "refused" });
});
