/** The live session both transports share, driven directly: what it hands a transport, and when. */
import assert from "node:assert/strict";
import { type LiveEndReason, type LiveTransport, openLiveSession } from "../../lib/live/session.ts";
import type { LiveEvent, LiveReset } from "../../lib/live/types.ts";
import { publishMany, testFeed, until } from "./_helpers.ts";

/** A transport that records everything and lets a test await a condition on the record. */
function recorder() {
  const seqs: number[] = [];
  const snapshots: unknown[] = [];
  const resets: LiveReset[] = [];
  const ended: LiveEndReason[] = [];
  let heartbeats = 0;
  const transport: LiveTransport = {
    event: (event: LiveEvent) => seqs.push(event.seq),
    snapshot: (value) => snapshots.push(value),
    reset: (reset) => resets.push(reset),
    heartbeat: () => heartbeats++,
    end: (reason) => ended.push(reason),
  };
  return { transport, seqs, snapshots, resets, ended, heartbeats: () => heartbeats };
}

Deno.test("a resume asked for while the initial state loads wins over the initial seq", async () => {
  await using t = await testFeed();
  await publishMany(t.feed, "room", 5);
  const loaded = Promise.withResolvers<LiveEvent[]>();
  const client = recorder();
  const session = openLiveSession({
    feed: t.feed,
    topic: "room",
    afterSeq: 0,
    heartbeatMs: 60_000,
    initial: () => loaded.promise,
  }, client.transport);
  const started = session.start();
  session.resume(3);
  loaded.resolve([{ seq: 5, type: "state", data: {}, at: 0 }]);
  await started;
  await until(() => client.seqs.length === 3, "the snapshot, then events 4 and 5 from the resume point");
  assert.deepEqual(client.seqs, [5, 4, 5]);
  session.close();
  await until(() => t.feed.stats().subscribers === 0, "the subscription to end");
});

Deno.test("heartbeats start with the subscription and stop at close; close never calls end", async () => {
  await using t = await testFeed();
  const client = recorder();
  const session = openLiveSession(
    { feed: t.feed, topic: "quiet", afterSeq: 0, heartbeatMs: 10 },
    client.transport,
  );
  await session.start();
  await until(() => client.heartbeats() >= 2, "two heartbeats");
  // A heartbeat timer left running after close would fail this test's op sanitizer.
  session.close();
  session.close();
  assert.deepEqual(client.ended, []);
});

Deno.test("the session ends with a reason: snapshot_failed, then feed_closed on shutdown", async () => {
  await using t = await testFeed();
  const broken = recorder();
  await openLiveSession({
    feed: t.feed,
    topic: "room",
    afterSeq: 0,
    heartbeatMs: 60_000,
    initial: () => Promise.reject(new Error("store down")),
  }, broken.transport).start();
  assert.deepEqual(broken.ended, ["snapshot_failed"]);
  assert.equal(t.feed.stats().subscribers, 0, "a failed snapshot never subscribes");

  const plain = recorder();
  await openLiveSession({
    feed: t.feed,
    topic: "room",
    afterSeq: 0,
    heartbeatMs: 60_000,
    initial: () => Promise.resolve({ status: "open" }),
  }, plain.transport).start();
  assert.deepEqual(plain.snapshots, [{ status: "open" }]);
  await until(() => t.feed.stats().subscribers === 1, "the subscription");
  await t.feed.close();
  assert.deepEqual(plain.ended, ["feed_closed"]);
});
