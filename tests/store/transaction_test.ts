import assert from "node:assert/strict";
import { KilnError } from "../../lib/errors.ts";
import { type LogFields, silentLogger } from "../../lib/log.ts";
import { transact } from "../../lib/store/transaction.ts";
import type { KvStore } from "../../lib/store/types.ts";
import { openTestStore } from "../support/backend.ts";

const counter = ["tx_test", "counter"];

async function increment(kv: KvStore, serialise: boolean) {
  return await transact(kv, {
    name: "test.increment",
    serialise: serialise ? counter : undefined,
    maxAttempts: 200,
  }, async (tx) => {
    const current = await tx.get<number>(counter);
    const next = (current.value ?? 0) + 1;
    tx.op.set(counter, next);
    return next;
  });
}

Deno.test("forty concurrent optimistic increments each land exactly once", async () => {
  const store = await openTestStore();
  try {
    const results = await Promise.all(Array.from({ length: 40 }, () => increment(store.kv, false)));
    assert.deepEqual((await store.kv.get<number>(counter)).value, 40);
    assert.deepEqual(new Set(results).size, 40);
  } finally {
    await store.close();
  }
});

Deno.test("serialised writers of one hot key queue instead of retrying", async () => {
  const store = await openTestStore();
  try {
    let attempts = 0;
    await Promise.all(
      Array.from(
        { length: 30 },
        () =>
          transact(store.kv, { name: "test.hot", serialise: counter }, async (tx) => {
            attempts++;
            const current = await tx.get<number>(counter);
            tx.op.set(counter, (current.value ?? 0) + 1);
          }),
      ),
    );
    assert.deepEqual((await store.kv.get<number>(counter)).value, 30);
    assert.deepEqual(attempts, 30, "no writer had to retry");
  } finally {
    await store.close();
  }
});

Deno.test("a body that throws writes nothing and its error reaches the caller", async () => {
  const store = await openTestStore();
  try {
    await assert.rejects(
      transact(store.kv, { name: "test.abort", serialise: counter }, (tx) => {
        tx.op.set(counter, 99);
        throw new KilnError("invalid", "rule_broken", "no");
      }),
      { code: "rule_broken" },
    );
    assert.deepEqual((await store.kv.get(counter)).value, null);
    // The hot-key queue is not stuck behind the failed writer.
    assert.deepEqual(await increment(store.kv, true), 1);
  } finally {
    await store.close();
  }
});

Deno.test("a writer that always loses gives up with one logged 409 contention problem", async () => {
  const store = await openTestStore();
  const lines: [string, LogFields | undefined][] = [];
  const log = {
    ...silentLogger,
    warn: (event: string, fields?: LogFields) => void lines.push([event, fields]),
  };
  try {
    await assert.rejects(
      transact(store.kv, { name: "test.starved", maxAttempts: 3, log }, async (tx) => {
        await tx.get(counter);
        // Another writer changes the key between this read and the commit, every time.
        await store.kv.set(counter, crypto.randomUUID());
        tx.op.set(counter, "mine");
      }),
      { kind: "conflict", code: "contention" },
    );
    assert.deepEqual(lines, [["transaction_contended", { operation: "test.starved", attempts: 3 }]]);
  } finally {
    await store.close();
  }
});

Deno.test("a body that decides to write nothing commits nothing; a commit hands its versionstamp to onCommit", async () => {
  const store = await openTestStore();
  try {
    const seen: string[] = [];
    let runs = 0;
    const unchanged = await transact(store.kv, { name: "test.noop" }, async (tx) => {
      runs++;
      await tx.get(counter);
      tx.onCommit((versionstamp) => seen.push(versionstamp));
      // Changed by someone else after the read: a commit would fail, but there is nothing to commit.
      await store.kv.set(counter, 5);
      return "nothing to do";
    });
    assert.deepEqual([unchanged, runs, seen], ["nothing to do", 1, []]);

    await transact(store.kv, { name: "test.write" }, async (tx) => {
      const current = await tx.get<number>(counter);
      tx.op.set(counter, (current.value ?? 0) + 1);
      tx.onCommit((versionstamp) => seen.push(versionstamp));
    });
    const entry = await store.kv.get<number>(counter);
    assert.deepEqual([entry.value, seen], [6, [entry.versionstamp]]);
  } finally {
    await store.close();
  }
});
