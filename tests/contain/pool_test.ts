/**
 * The containment pool against a child that misbehaves on request: every breach fails only that
 * request, with its stable code, and the next request is served by a fresh child.
 */
import assert from "node:assert/strict";
import { ContainedFailure, createContainedPool } from "../../lib/contain/pool.ts";
import { ContainedError } from "../../lib/contain/process.ts";

const module = new URL("../fixtures/contain/child.ts", import.meta.url);
const mib = 1024 * 1024;

function pool(overrides: { timeoutMs?: number; memoryBytes?: number; size?: number } = {}) {
  return createContainedPool({
    module,
    size: overrides.size ?? 1,
    limits: { timeoutMs: overrides.timeoutMs ?? 20_000, memoryBytes: overrides.memoryBytes ?? 256 * mib },
    permissions: ["--allow-read", "--allow-env"],
  });
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(() => undefined, (error) => error);
  assert.ok(error instanceof ContainedError, `expected ContainedError ${code}, got ${error}`);
  assert.equal(error.code, code);
}

Deno.test("a contained child answers requests with binary buffers, reusing one process", async () => {
  const workers = pool();
  try {
    const first = await workers.run({ json: { op: "echo" }, buffers: [new Uint8Array([1, 2, 3])] });
    const second = await workers.run({ json: { op: "echo" }, buffers: [new Uint8Array(3 * mib).fill(7)] });
    assert.deepEqual([...first.buffers[0]], [3, 2, 1]);
    assert.equal(second.buffers[0].byteLength, 3 * mib);
    assert.equal((first.json as { pid: number }).pid, (second.json as { pid: number }).pid);
  } finally {
    await workers.close();
  }
});

Deno.test("a refused input fails that request with the child's code; the child lives on", async () => {
  const workers = pool();
  try {
    const before = await workers.run({ json: { op: "echo" }, buffers: [] });
    const error = await workers.run({ json: { op: "refuse" }, buffers: [] }).catch((e) => e);
    assert.ok(error instanceof ContainedFailure);
    assert.equal(error.code, "unreadable_input");
    const after = await workers.run({ json: { op: "echo" }, buffers: [] });
    assert.equal((after.json as { pid: number }).pid, (before.json as { pid: number }).pid);
  } finally {
    await workers.close();
  }
});

Deno.test("a hung child is killed at the time limit and replaced", async () => {
  const workers = pool({ timeoutMs: 1_500 });
  try {
    const started = performance.now();
    await rejectsWith(workers.run({ json: { op: "hang" }, buffers: [] }), "contained_timeout");
    assert.ok(performance.now() - started < 5_000);
    const after = await workers.run({ json: { op: "echo" }, buffers: [new Uint8Array([9])] });
    assert.deepEqual([...after.buffers[0]], [9]);
  } finally {
    await workers.close();
  }
});

Deno.test("a child that grows its JavaScript heap dies at the heap limit, not the server", async () => {
  const workers = pool({ memoryBytes: 160 * mib });
  try {
    await rejectsWith(workers.run({ json: { op: "heap" }, buffers: [] }), "contained_memory");
    assert.ok(await workers.run({ json: { op: "echo" }, buffers: [] }));
  } finally {
    await workers.close();
  }
});

Deno.test({
  name: "a child that grows native memory is killed at its resident-memory cap",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const workers = pool({ memoryBytes: 200 * mib });
    try {
      const started = performance.now();
      await rejectsWith(workers.run({ json: { op: "native" }, buffers: [] }), "contained_memory");
      assert.ok(performance.now() - started < 15_000);
    } finally {
      await workers.close();
    }
  },
});

Deno.test("a child that exits mid-request is reported as crashed and replaced", async () => {
  const workers = pool();
  try {
    await rejectsWith(workers.run({ json: { op: "exit" }, buffers: [] }), "contained_crashed");
    assert.ok(await workers.run({ json: { op: "echo" }, buffers: [] }));
  } finally {
    await workers.close();
  }
});

Deno.test("aborting a request kills its child and rejects with the signal's reason", async () => {
  const workers = pool();
  try {
    const controller = new AbortController();
    const running = workers.run({ json: { op: "hang" }, buffers: [] }, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort(new Error("job cancelled"));
    const error = await running.catch((e) => e);
    assert.equal((error as Error).message, "job cancelled");
    assert.equal(workers.stats().children, 0);
  } finally {
    await workers.close();
  }
});

Deno.test("children see none of the server's secrets and library output cannot corrupt the protocol", async () => {
  Deno.env.set("KILN_TEST_SECRET_FOR_CONTAIN", "do-not-leak");
  const workers = pool();
  try {
    const { json } = await workers.run({ json: { op: "env" }, buffers: [] });
    const env = (json as { env: Record<string, string> }).env;
    assert.equal(env.KILN_TEST_SECRET_FOR_CONTAIN, undefined);
    assert.deepEqual((await workers.run({ json: { op: "log" }, buffers: [] })).json, { op: "log" });
  } finally {
    Deno.env.delete("KILN_TEST_SECRET_FOR_CONTAIN");
    await workers.close();
  }
});

Deno.test("requests beyond the pool size wait for a free child instead of spawning more", async () => {
  const workers = pool({ size: 2 });
  try {
    const results = await Promise.all(
      Array.from(
        { length: 6 },
        (_, i) => workers.run({ json: { op: "echo" }, buffers: [new Uint8Array([i])] }),
      ),
    );
    assert.deepEqual(results.map((result) => result.buffers[0][0]), [0, 1, 2, 3, 4, 5]);
    assert.ok(new Set(results.map((result) => (result.json as { pid: number }).pid)).size <= 2);
  } finally {
    await workers.close();
  }
});
