import assert from "node:assert/strict";
import { openTestStore } from "../support/backend.ts";
import { liveKeys } from "../../lib/live/keys.ts";
import { createKvChangeFeed } from "../../lib/live/kv_feed.ts";
import { silentLogger } from "../../lib/log.ts";
import type { LiveEvent } from "../../lib/live/types.ts";
import { collector, deadline, publishMany, range, testFeed, until } from "./_helpers.ts";

Deno.test("publish numbers events 1, 2, 3 per topic; since and head read them back", async () => {
  await using t = await testFeed();
  assert.equal(await t.feed.head("a"), 0);
  assert.deepEqual(await t.feed.since("a", 0), []);
  const first = await t.feed.publish("a", "update", { text: "one" });
  await t.feed.publish("a", "update", { text: "two" });
  await t.feed.publish("a", "note", { text: "three" });
  await t.feed.publish("b", "update", { text: "other topic" });
  assert.equal(first.seq, 1);
  assert.equal(first.type, "update");
  assert.ok(Math.abs(first.at - Date.now()) < 5_000);
  assert.equal(await t.feed.head("a"), 3);
  assert.equal(await t.feed.head("b"), 1);
  const after1 = await t.feed.since("a", 1);
  assert.deepEqual(after1.map((event) => [event.seq, event.type, event.data]), [
    [2, "update", { text: "two" }],
    [3, "note", { text: "three" }],
  ]);
  assert.deepEqual((await t.feed.since("a", 0, 2)).map((event) => event.seq), [1, 2]);
  assert.deepEqual(await t.feed.since("a", 3), []);
  assert.deepEqual(
    (await t.feed.since("a", -5)).map((event) => event.seq),
    [1, 2, 3],
    "negative = from start",
  );
});

Deno.test("twenty concurrent publishers on one topic get seqs 1..20, each event stored once", async () => {
  await using t = await testFeed();
  const published = await Promise.all(range(1, 20).map((n) => t.feed.publish("hot", "tick", { n })));
  assert.deepEqual(published.map((event) => event.seq).sort((a, b) => a - b), range(1, 20));
  const stored = await t.feed.since("hot", 0);
  assert.deepEqual(stored.map((event) => event.seq), range(1, 20));
  assert.deepEqual(
    stored.map((event) => (event.data as { n: number }).n).sort((a, b) => a - b),
    range(1, 20),
    "every publisher's payload is stored exactly once",
  );
  for (const event of published) {
    assert.deepEqual(stored[event.seq - 1].data, event.data, "returned event matches the stored one");
  }
  assert.equal(await t.feed.head("hot"), 20);
});

Deno.test("one publisher, fifty subscribers: each gets all 200 events once, in order", async () => {
  await using t = await testFeed();
  const subscribers = range(1, 50).map((n) => collector(`subscriber ${n}`));
  const subscriptions = subscribers.map((s) => t.feed.subscribe("room", 0, s.listener));
  await publishMany(t.feed, "room", 200);
  await Promise.all(subscribers.map((s) => s.waitFor(200)));
  for (const s of subscribers) {
    assert.deepEqual(s.seqs(), range(1, 200));
    assert.deepEqual(s.events.map((event) => (event.data as { n: number }).n), range(1, 200));
  }
  // A late duplicate would show up after a further event.
  await t.feed.publish("room", "tick", { n: 201 });
  await Promise.all(subscribers.map((s) => s.waitFor(201)));
  for (const s of subscribers) assert.equal(s.events.length, 201);
  for (const subscription of subscriptions) subscription.close();
});

Deno.test("subscribers joining mid-stream get backlog then live with no gap or duplicate", async () => {
  await using t = await testFeed();
  const total = 300;
  const early = collector("early");
  t.feed.subscribe("stream", 0, early.listener);
  // Three publishers race each other (seqs still come out 1..300) while subscribers join.
  const publishing = Promise.all([1, 2, 3].map(() => publishMany(t.feed, "stream", total / 3)));
  const joiners: { after: number; events: ReturnType<typeof collector> }[] = [];
  // Join at several points while the publisher keeps going, resuming from various older seqs.
  for (const threshold of [10, 60, 120, 200, 260]) {
    await early.waitFor(threshold);
    const head = await t.feed.head("stream");
    for (const after of [0, Math.max(0, head - 7), Math.max(0, head - 1), head]) {
      const events = collector(`joiner after ${after}`);
      joiners.push({ after, events });
      t.feed.subscribe("stream", after, events.listener, { onReset: events.onReset });
    }
  }
  await deadline(publishing, "the publisher");
  await early.waitFor(total);
  for (const { after, events } of joiners) {
    await events.waitFor(total - after);
    assert.deepEqual(events.seqs(), range(after + 1, total), `joiner after ${after}`);
    assert.deepEqual(events.resets, []);
  }
  assert.deepEqual(early.seqs(), range(1, total));
});

Deno.test("stage() inside the caller's atomic is delivered; a failed commit delivers nothing", async () => {
  await using t = await testFeed();
  const seen = collector();
  t.feed.subscribe("job:1", 0, seen.listener);
  const record = ["jobs", "1"];
  // The domain's own revision is the seq: not necessarily consecutive.
  for (const revision of [1, 4, 5]) {
    const current = await t.kv.get(record);
    const event: LiveEvent = { seq: revision, type: "job", data: { revision }, at: Date.now() };
    const op = t.feed.stage(t.kv.atomic().check(current).set(record, { revision }), "job:1", event);
    assert.ok((await op.commit()).ok);
  }
  const stale = await t.kv.get(record);
  await t.kv.set(record, { revision: 6 });
  const lost = t.feed.stage(t.kv.atomic().check(stale), "job:1", { seq: 6, type: "job", data: {}, at: 1 });
  assert.equal((await lost.commit()).ok, false);
  await seen.waitFor(3);
  assert.deepEqual(seen.seqs(), [1, 4, 5]);
  assert.equal(await t.feed.head("job:1"), 5);
  // A resuming subscriber continues after a skipped revision without a reset.
  const resumed = collector();
  t.feed.subscribe("job:1", 4, resumed.listener, { onReset: resumed.onReset });
  await resumed.waitFor(1);
  assert.deepEqual(resumed.seqs(), [5]);
  assert.deepEqual(resumed.resets, []);
  assert.throws(() => t.feed.stage(t.kv.atomic(), "job:1", { seq: 0, type: "job", data: {}, at: 1 }));
});

Deno.test("an owned topic's head is its record: no head key, subscribers woken by the record, publish refused", async () => {
  await using t = await testFeed();
  const recordKey = (id: string) => ["orders", id];
  t.feed.ownTopics("order:", { key: recordKey, seq: (value) => (value as { revision: number }).revision });
  const seen = collector();
  t.feed.subscribe("order:7", 0, seen.listener);
  for (const revision of [1, 2, 3]) {
    const event: LiveEvent = { seq: revision, type: "order", data: { revision }, at: Date.now() };
    const op = t.feed.stage(t.kv.atomic().set(recordKey("7"), { revision }), "order:7", event);
    assert.ok((await op.commit()).ok);
  }
  await seen.waitFor(3);
  assert.deepEqual(seen.seqs(), [1, 2, 3]);
  assert.equal(await t.feed.head("order:7"), 3, "the head is read from the record");
  assert.equal((await t.kv.get(liveKeys.head("order:7"))).value, null, "no head key of the feed's own");
  assert.equal(await t.feed.head("order:8"), 0, "no record: head 0");
  // A client resuming beyond the record's revision is told so, as with a feed-kept head.
  const ahead = collector();
  t.feed.subscribe("order:7", 9, ahead.listener, { onReset: ahead.onReset });
  await ahead.waitFor(3);
  assert.deepEqual(ahead.resets, [{ reason: "ahead", afterSeq: 9, head: 3 }]);
  await assert.rejects(t.feed.publish("order:7", "order", {}), TypeError);
  // Other topics keep their own heads.
  await t.feed.publish("orders-board", "update", {});
  assert.equal(await t.feed.head("orders-board"), 1);
});

Deno.test("all subscribers of a topic share one watcher, torn down with the last one", async () => {
  await using t = await testFeed();
  const subscriptions = range(1, 50).map(() => t.feed.subscribe("shared", 0, () => {}));
  const other = t.feed.subscribe("other", 0, () => {});
  assert.deepEqual(t.feed.stats(), { topics: 2, subscribers: 51 });
  for (const subscription of subscriptions.slice(0, 49)) subscription.close();
  assert.deepEqual(t.feed.stats(), { topics: 2, subscribers: 2 });
  subscriptions[49].close();
  subscriptions[49].close(); // idempotent
  other.close();
  assert.deepEqual(t.feed.stats(), { topics: 0, subscribers: 0 });
  // A new subscriber after teardown gets a fresh watcher that works.
  const again = collector();
  const subscription = t.feed.subscribe("shared", 0, again.listener);
  await t.feed.publish("shared", "tick", {});
  await again.waitFor(1);
  subscription.close();
  assert.deepEqual(t.feed.stats(), { topics: 0, subscribers: 0 });
});

Deno.test("a throwing listener is removed and logged; the others keep receiving", async () => {
  await using t = await testFeed();
  const good = collector();
  t.feed.subscribe("t", 0, () => {
    throw new Error("boom");
  });
  t.feed.subscribe("t", 0, good.listener);
  await t.feed.publish("t", "tick", {});
  await good.waitFor(1);
  assert.deepEqual(t.feed.stats(), { topics: 1, subscribers: 1 });
  await t.feed.publish("t", "tick", {});
  await good.waitFor(2);
  assert.ok(t.logs.some((line) => line.event === "live.listener_failed" && line.error === "boom"));
});

Deno.test("a listener may close its own subscription; nothing more arrives for it", async () => {
  await using t = await testFeed();
  const received: number[] = [];
  const witness = collector();
  const subscription = t.feed.subscribe("t", 0, (event) => {
    received.push(event.seq);
    if (event.seq === 2) subscription.close();
  });
  t.feed.subscribe("t", 0, witness.listener);
  await publishMany(t.feed, "t", 4);
  await witness.waitFor(4);
  assert.deepEqual(received, [1, 2]);
});

Deno.test("a listener may subscribe during fan-out; the newcomer gets its backlog then live", async () => {
  await using t = await testFeed();
  const late = collector("late");
  const first = collector("first");
  t.feed.subscribe("t", 0, (event) => {
    first.listener(event);
    if (event.seq === 3) t.feed.subscribe("t", 1, late.listener);
  });
  await publishMany(t.feed, "t", 6);
  await first.waitFor(6);
  await late.waitFor(5);
  assert.deepEqual(late.seqs(), range(2, 6));
});

Deno.test("a backlog longer than one read page arrives complete and in order", async () => {
  await using t = await testFeed();
  // 1,200 events written in bulk through stage() (2 mutations each, ≤ 1000 per atomic).
  for (let start = 1; start <= 1_200; start += 400) {
    let op = t.kv.atomic();
    for (const seq of range(start, start + 399)) {
      op = t.feed.stage(op, "big", { seq, type: "tick", data: { seq }, at: Date.now() });
    }
    assert.ok((await op.commit()).ok);
  }
  const all = collector();
  const tail = collector();
  t.feed.subscribe("big", 0, all.listener);
  t.feed.subscribe("big", 650, tail.listener);
  await all.waitFor(1_200);
  await tail.waitFor(550);
  await t.feed.publish("big", "tick", {});
  await all.waitFor(1_201);
  assert.deepEqual(all.seqs(), range(1, 1_201));
  assert.deepEqual(tail.seqs(), range(651, 1_201));
  assert.equal((await t.feed.since("big", 0, 5_000)).length, 1_000, "since caps the limit");
});

Deno.test("resuming past expired events reports an 'expired' reset, then delivers what remains", async () => {
  await using t = await testFeed();
  await publishMany(t.feed, "t", 10);
  // Simulate retention: events 1..5 are gone.
  for (const seq of range(1, 5)) await t.kv.delete(liveKeys.event("t", seq));
  const gap = collector("gap");
  const order: string[] = [];
  t.feed.subscribe("t", 2, (event) => {
    order.push(`event ${event.seq}`);
    gap.listener(event);
  }, {
    onReset: (reset) => {
      order.push(`reset ${reset.reason}`);
      gap.onReset(reset);
    },
  });
  const exact = collector("exact");
  t.feed.subscribe("t", 6, exact.listener, { onReset: exact.onReset });
  const fresh = collector("fresh");
  t.feed.subscribe("t", 0, fresh.listener, { onReset: fresh.onReset });
  await gap.waitFor(5);
  await exact.waitFor(4);
  await fresh.waitFor(5);
  assert.deepEqual(gap.resets, [{ reason: "expired", afterSeq: 2, firstSeq: 6 }]);
  assert.deepEqual(order, ["reset expired", "event 6", "event 7", "event 8", "event 9", "event 10"]);
  assert.deepEqual(exact.seqs(), [7, 8, 9, 10]);
  assert.deepEqual(exact.resets, [], "event 6 still exists, so resuming after it is exact");
  assert.deepEqual(fresh.seqs(), [6, 7, 8, 9, 10]);
  assert.deepEqual(fresh.resets, [], "afterSeq 0 means 'whatever is retained'");
});

Deno.test("resuming at the head whose own event expired is exact: the next event arrives without reset", async () => {
  await using t = await testFeed();
  await publishMany(t.feed, "t", 3);
  for (const seq of range(1, 3)) await t.kv.delete(liveKeys.event("t", seq));
  const s = collector();
  t.feed.subscribe("t", 3, s.listener, { onReset: s.onReset });
  await t.feed.publish("t", "tick", { n: 4 });
  await s.waitFor(1);
  assert.deepEqual(s.seqs(), [4]);
  assert.deepEqual(s.resets, []);
});

Deno.test("resuming beyond the head reports an 'ahead' reset and restarts from the oldest event", async () => {
  await using t = await testFeed();
  await publishMany(t.feed, "t", 3);
  const s = collector();
  t.feed.subscribe("t", 50, s.listener, { onReset: s.onReset });
  await s.waitFor(3);
  assert.deepEqual(s.resets, [{ reason: "ahead", afterSeq: 50, head: 3 }]);
  await t.feed.publish("t", "tick", {});
  await s.waitFor(4);
  assert.deepEqual(s.seqs(), [1, 2, 3, 4]);
});

Deno.test("close() ends every subscription with onClose; later subscribe/publish fail clearly", async () => {
  await using t = await testFeed();
  let closedA = 0;
  let closedB = 0;
  t.feed.subscribe("a", 0, () => {}, { onClose: () => closedA++ });
  const own = t.feed.subscribe("b", 0, () => {}, { onClose: () => closedB++ });
  own.close(); // a subscriber's own close does not call onClose
  await t.feed.close();
  assert.equal(closedA, 1);
  assert.equal(closedB, 0);
  assert.deepEqual(t.feed.stats(), { topics: 0, subscribers: 0 });
  assert.throws(() => t.feed.subscribe("a", 0, () => {}), /shut down/);
  await assert.rejects(() => t.feed.publish("a", "tick", {}), /shut down/);
  await t.feed.close(); // idempotent
});

Deno.test("heartbeatMs re-reads topics, picking up events the watcher cannot see", async () => {
  await using t = await testFeed({ heartbeatMs: 20 });
  const s = collector();
  t.feed.subscribe("t", 0, s.listener);
  await t.feed.publish("t", "tick", {});
  await s.waitFor(1);
  // Events written without touching the head key (as another process's writes look to us), one at
  // a time: a read already in flight may catch the first, but only the heartbeat finds them all.
  for (const seq of range(2, 6)) {
    await t.kv.set(liveKeys.event("t", seq), { seq, type: "tick", data: {}, at: Date.now() });
    await s.waitFor(seq);
  }
  assert.deepEqual(s.seqs(), range(1, 6));
});

Deno.test("a watcher that dies (KV closed under it) ends its subscriptions instead of hanging", async () => {
  const store = await openTestStore();
  const { kv } = store;
  const feed = createKvChangeFeed({ kv, log: silentLogger });
  let closed = false;
  feed.subscribe("t", 0, () => {}, { onClose: () => (closed = true) });
  await feed.head("t");
  await store.close();
  await until(() => closed, "onClose after the KV closed");
  assert.deepEqual(feed.stats(), { topics: 0, subscribers: 0 });
  await feed.close();
});
