import assert from "node:assert/strict";
import { liveKeys } from "../../lib/live/keys.ts";
import { createLogger } from "../../lib/log.ts";
import { formatSseMessage, parseLastEventId, type SseOptions, sseResponse } from "../../lib/live/sse.ts";
import type { ChangeFeed } from "../../lib/live/types.ts";
import { publishMany, range, testFeed, until } from "./_helpers.ts";
import { openSse, serve } from "../support/sse_client.ts";

/** A server whose `/topic/:name` streams that topic, resuming from Last-Event-ID. */
function sseServer(feed: ChangeFeed, extra: Partial<SseOptions> = {}) {
  return serve((request) => {
    const url = new URL(request.url);
    const topic = url.pathname.split("/").pop()!;
    return sseResponse({
      feed,
      topic,
      afterSeq: parseLastEventId(request, url),
      heartbeatMs: 15_000,
      // No `signal: request.signal`: Deno.serve cancels the body stream when the client goes away,
      // and touching request.signal prints Deno 2.9's legacy-abort warning.
      ...extra,
    });
  });
}

Deno.test("SSE streams published events with ids, types and one-line JSON data", async () => {
  await using t = await testFeed();
  await using server = sseServer(t.feed);
  const client = await openSse(`${server.url}/topic/room`);
  assert.equal(client.response.headers.get("content-type"), "text/event-stream; charset=utf-8");
  assert.equal(client.response.headers.get("cache-control"), "no-cache");
  assert.equal(client.response.headers.get("x-accel-buffering"), "no");
  await client.until((messages) => messages.length >= 1, "the retry preamble");
  assert.equal(client.messages[0].retry, 3000);
  await until(() => t.feed.stats().subscribers === 1, "the subscription");
  await t.feed.publish("room", "update", { text: "line one\nline two", n: 1 });
  await t.feed.publish("room", "note", { n: 2 });
  await client.until(() => client.ids().length === 2, "two events");
  const [first, second] = client.events();
  assert.deepEqual(first, { id: "1", event: "update", data: '{"text":"line one\\nline two","n":1}' });
  assert.deepEqual(JSON.parse(second.data!), { n: 2 });
  assert.equal(second.event, "note");
  await client.close();
});

Deno.test("SSE reconnect with Last-Event-ID gets exactly the missed events, then live ones", async () => {
  await using t = await testFeed();
  await using server = sseServer(t.feed);
  await publishMany(t.feed, "room", 5);
  const client = await openSse(`${server.url}/topic/room`, { "last-event-id": "2" });
  await client.until(() => client.ids().length === 3, "the three missed events");
  await t.feed.publish("room", "tick", { n: 6 });
  await client.until(() => client.ids().length === 4, "the live event");
  assert.deepEqual(client.ids(), [3, 4, 5, 6]);
  await client.close();
  // The query parameter works the same way (EventSource polyfills).
  const polyfill = await openSse(`${server.url}/topic/room?lastEventId=5`);
  await polyfill.until(() => polyfill.ids().length === 1, "the event after 5");
  assert.deepEqual(polyfill.ids(), [6]);
  await polyfill.close();
});

Deno.test("SSE client disconnect tears the subscription down", async () => {
  await using t = await testFeed();
  await using server = sseServer(t.feed);
  const clients = await Promise.all(range(1, 3).map(() => openSse(`${server.url}/topic/room`)));
  await until(() => t.feed.stats().subscribers === 3, "three subscriptions");
  assert.equal(t.feed.stats().topics, 1);
  for (const client of clients) await client.close();
  await until(() => t.feed.stats().subscribers === 0, "subscriptions to be removed after disconnect");
  assert.equal(t.feed.stats().topics, 0);
});

Deno.test("SSE ends the stream and the subscription when the given signal aborts", async () => {
  await using t = await testFeed();
  const stop = new AbortController();
  await using server = sseServer(t.feed, { signal: stop.signal });
  const client = await openSse(`${server.url}/topic/room`);
  await until(() => t.feed.stats().subscribers === 1, "the subscription");
  stop.abort();
  await client.ended("the stream to end after the signal aborted");
  assert.deepEqual(t.feed.stats(), { topics: 0, subscribers: 0 });
  await client.close();
  // An already-aborted signal never subscribes.
  const late = await openSse(`${server.url}/topic/room`);
  await late.ended();
  assert.deepEqual(t.feed.stats(), { topics: 0, subscribers: 0 });
  await late.close();
});

Deno.test("SSE sends heartbeat comments every heartbeatMs", async () => {
  await using t = await testFeed();
  await using server = sseServer(t.feed, { heartbeatMs: 20 });
  const client = await openSse(`${server.url}/topic/quiet`);
  await client.until(
    (messages) => messages.filter((message) => message.comment === "heartbeat").length >= 2,
    "two heartbeats",
  );
  await client.close();
});

Deno.test("SSE initial snapshot: a plain value is sent as 'snapshot'; events move the resume point", async () => {
  await using t = await testFeed();
  await publishMany(t.feed, "job:7", 4);
  await using plain = sseServer(t.feed, { initial: () => Promise.resolve({ status: "running" }) });
  const client = await openSse(`${plain.url}/topic/job:7`, { "last-event-id": "3" });
  await client.until(() => client.ids().length === 1, "the event after 3");
  assert.deepEqual(client.events()[0], { event: "snapshot", data: '{"status":"running"}' });
  assert.deepEqual(client.ids(), [4]);
  await client.close();

  // A snapshot carrying the record's revision: the stream continues after it, not after 0.
  const snapshot = { seq: 4, type: "job", data: { status: "running", progress: 40 }, at: Date.now() };
  await using asEvents = sseServer(t.feed, {
    initial: () => Promise.resolve([snapshot]),
    map: (event) => ({ ...(event.data as object), public: true }),
  });
  const resumed = await openSse(`${asEvents.url}/topic/job:7`);
  await resumed.until(() => resumed.ids().length === 1, "the snapshot event");
  await t.feed.publish("job:7", "job", { status: "done" });
  await resumed.until(() => resumed.ids().length === 2, "the live event");
  assert.deepEqual(resumed.ids(), [4, 5]);
  assert.deepEqual(JSON.parse(resumed.events()[1].data!), { status: "done", public: true });
  await resumed.close();
});

Deno.test("SSE map returning undefined skips the event", async () => {
  await using t = await testFeed();
  await using server = sseServer(t.feed, {
    map: (event) => (event.type === "private" ? undefined : event.data),
  });
  await t.feed.publish("room", "private", {});
  await t.feed.publish("room", "public", { ok: true });
  const client = await openSse(`${server.url}/topic/room`);
  await client.until(() => client.ids().length === 1, "the public event");
  assert.deepEqual(client.ids(), [2]);
  await client.close();
});

Deno.test("SSE sends a 'reset' (without id) when the requested history expired", async () => {
  await using t = await testFeed();
  await using server = sseServer(t.feed);
  await publishMany(t.feed, "room", 6);
  for (const seq of range(1, 4)) await t.kv.delete(liveKeys.event("room", seq));
  const client = await openSse(`${server.url}/topic/room`, { "last-event-id": "1" });
  await client.until(() => client.ids().length === 2, "the retained events");
  const [reset, ...rest] = client.events();
  assert.equal(reset.event, "reset");
  assert.equal(reset.id, undefined);
  assert.deepEqual(JSON.parse(reset.data!), { reason: "expired", afterSeq: 1, firstSeq: 5 });
  assert.deepEqual(rest.map((message) => message.id), ["5", "6"]);
  await client.close();
});

Deno.test("SSE stream ends when the feed shuts down", async () => {
  await using t = await testFeed();
  await using server = sseServer(t.feed);
  const client = await openSse(`${server.url}/topic/room`);
  await until(() => t.feed.stats().subscribers === 1, "the subscription");
  await t.feed.close();
  await client.ended("the stream to end after feed.close()");
  await client.close();
});

Deno.test("SSE sends an error message and ends when the initial snapshot fails", async () => {
  await using t = await testFeed();
  await using server = sseServer(t.feed, { initial: () => Promise.reject(new Error("db down")) });
  const client = await openSse(`${server.url}/topic/room`);
  await client.ended();
  assert.deepEqual(client.events(), [{ event: "error", data: '{"code":"snapshot_failed"}' }]);
  assert.deepEqual(t.feed.stats(), { topics: 0, subscribers: 0 });
  await client.close();
});

Deno.test("SSE ends the stream (and logs) when map throws, instead of going silent", async () => {
  await using t = await testFeed();
  const log = createLogger({ sink: (line) => t.logs.push(JSON.parse(line)) });
  await using server = sseServer(t.feed, {
    log,
    map: () => {
      throw new Error("bad view");
    },
  });
  await t.feed.publish("room", "tick", {});
  const client = await openSse(`${server.url}/topic/room`);
  await client.ended();
  assert.deepEqual(client.events(), []);
  assert.ok(t.logs.some((line) => line.event === "live.sse_map_failed" && line.error === "bad view"));
  await until(() => t.feed.stats().subscribers === 0, "the subscription to be removed");
  await client.close();
});

Deno.test("formatSseMessage keeps every payload line prefixed by 'data:'", () => {
  assert.equal(
    formatSseMessage({ id: 3, event: "x", data: { a: "b\nc" } }),
    'id: 3\nevent: x\ndata: {"a":"b\\nc"}\n\n',
  );
  assert.equal(
    formatSseMessage({ data: "one\r\ntwo\rthree\nfour" }),
    "data: one\ndata: two\ndata: three\ndata: four\n\n",
  );
  assert.equal(formatSseMessage({ event: "evil\nid: 9", data: null }), "event: evilid: 9\ndata: null\n\n");
});

Deno.test("parseLastEventId reads the header, then the query, and ignores garbage", () => {
  const at = (headers: Record<string, string>, query = "") => {
    const request = new Request(`http://x/stream${query}`, { headers });
    return parseLastEventId(request, new URL(request.url));
  };
  assert.equal(at({ "last-event-id": "42" }), 42);
  assert.equal(at({ "last-event-id": " 7 " }), 7);
  assert.equal(at({}, "?lastEventId=9"), 9);
  assert.equal(at({ "last-event-id": "12" }, "?lastEventId=9"), 12);
  assert.equal(at({ "last-event-id": "abc" }, "?lastEventId=9"), 9, "garbage header falls back to the query");
  assert.equal(parseLastEventId(new Request("http://x/?lastEventId=3")), 3, "url defaults to request.url");
  for (const garbage of ["", "-1", "1.5", "1e3", "0x10", "99999999999999999999", "NaN", "12abc"]) {
    assert.equal(at({ "last-event-id": garbage }), 0, `header ${JSON.stringify(garbage)}`);
    assert.equal(
      at({}, `?lastEventId=${encodeURIComponent(garbage)}`),
      0,
      `query ${JSON.stringify(garbage)}`,
    );
  }
  assert.equal(at({}), 0);
});
