import assert from "node:assert/strict";
import { liveKeys } from "../../lib/live/keys.ts";
import type { ChangeFeed } from "../../lib/live/types.ts";
import { isWebSocketUpgrade, serveWebSocket, type ServeWebSocketOptions } from "../../lib/live/websocket.ts";
import { publishMany, range, testFeed, until } from "./_helpers.ts";
import { serve } from "../support/sse_client.ts";
import { connect, type Message } from "../support/ws_client.ts";

/** `/ws/:topic?after=N` streams the topic over a WebSocket. */
function wsServer(feed: ChangeFeed, extra: Partial<ServeWebSocketOptions> = {}) {
  return serve((request) => {
    const url = new URL(request.url);
    if (!isWebSocketUpgrade(request)) return new Response("upgrade required", { status: 426 });
    return serveWebSocket({
      request,
      feed,
      topic: url.pathname.split("/").pop()!,
      afterSeq: Number(url.searchParams.get("after") ?? 0),
      heartbeatMs: 30_000,
      ...extra,
    });
  });
}

const wsUrl = (server: { port: number }, path: string) => `ws://127.0.0.1:${server.port}${path}`;

Deno.test("WebSocket receives backlog and live events as {type, seq, data}", async () => {
  await using t = await testFeed();
  await using server = wsServer(t.feed);
  await publishMany(t.feed, "room", 3);
  const client = await connect(wsUrl(server, "/ws/room?after=1"));
  await client.until(() => client.seqs().length === 2, "the backlog");
  await t.feed.publish("room", "update", { text: "live" });
  await client.until(() => client.seqs().length === 3, "the live event");
  assert.deepEqual(client.seqs(), [2, 3, 4]);
  assert.deepEqual(client.events()[2], { type: "update", seq: 4, data: { text: "live" } });
  await client.close();
});

Deno.test("WebSocket answers ping with pong; malformed frames get an error and the socket stays usable", async () => {
  await using t = await testFeed();
  await using server = wsServer(t.feed);
  const client = await connect(wsUrl(server, "/ws/room"));
  client.send({ type: "ping" });
  await client.until((messages) => messages.some((message) => message.type === "pong"), "a pong");
  const pong = client.messages.find((message) => message.type === "pong")!;
  assert.equal(typeof pong.at, "number");

  client.send("{not json");
  await client.until((messages) => messages.some((message) => message.type === "error"), "an error");
  assert.deepEqual(client.messages.find((message) => message.type === "error"), {
    type: "error",
    code: "malformed_message",
  });
  client.send("[1, 2]");
  client.send({ type: "resume", after: -4 });
  await client.until(
    (messages) => messages.filter((message) => message.code === "invalid_message").length === 2,
    "two invalid_message errors",
  );
  assert.equal(client.socket.readyState, WebSocket.OPEN);

  // Still subscribed and still answering.
  await t.feed.publish("room", "update", { n: 1 });
  client.send({ type: "ping" });
  await client.until(
    (messages) =>
      messages.filter((message) => message.type === "pong").length === 2 && client.seqs().length === 1,
    "a second pong and the event",
  );
  await client.close();
});

Deno.test("WebSocket resume restarts delivery after the given seq", async () => {
  await using t = await testFeed();
  await using server = wsServer(t.feed);
  await publishMany(t.feed, "room", 5);
  const client = await connect(wsUrl(server, "/ws/room?after=5"));
  await until(() => t.feed.stats().subscribers === 1, "the subscription");
  client.send({ type: "resume", after: 2 });
  await client.until(() => client.seqs().length === 3, "the replay after 2");
  await t.feed.publish("room", "tick", {});
  await client.until(() => client.seqs().length === 4, "the live event");
  assert.deepEqual(client.seqs(), [3, 4, 5, 6]);
  assert.equal(t.feed.stats().subscribers, 1, "resume replaces the subscription");
  await client.close();
});

Deno.test("WebSocket forwards other client messages to onMessage, which can reply", async () => {
  await using t = await testFeed();
  const received: Message[] = [];
  await using server = wsServer(t.feed, {
    onMessage(message, context) {
      received.push(message);
      if (message.type === "fail") throw new Error("module bug");
      context.send({ type: "ack", for: message.type, topic: context.topic });
    },
  });
  const client = await connect(wsUrl(server, "/ws/room"));
  client.send({ type: "select", item: 3 });
  await client.until((messages) => messages.some((message) => message.type === "ack"), "an ack");
  assert.deepEqual(received, [{ type: "select", item: 3 }]);
  assert.deepEqual(client.messages.find((message) => message.type === "ack"), {
    type: "ack",
    for: "select",
    topic: "room",
  });
  client.send({ type: "fail" });
  await client.until((messages) => messages.some((message) => message.code === "message_failed"), "an error");
  assert.equal(client.socket.readyState, WebSocket.OPEN);
  await client.close();
});

Deno.test("WebSocket close removes the subscription; feed shutdown closes the socket", async () => {
  await using t = await testFeed();
  await using server = wsServer(t.feed);
  const clients = await Promise.all(range(1, 3).map(() => connect(wsUrl(server, "/ws/room"))));
  await until(() => t.feed.stats().subscribers === 3, "three subscriptions");
  assert.equal(t.feed.stats().topics, 1);
  for (const client of clients) await client.close();
  await until(() => t.feed.stats().subscribers === 0, "subscriptions to be removed after close");
  assert.deepEqual(t.feed.stats(), { topics: 0, subscribers: 0 });

  const last = await connect(wsUrl(server, "/ws/room"));
  await until(() => t.feed.stats().subscribers === 1, "the subscription");
  await t.feed.close();
  const event = await last.closed();
  assert.equal(event.code, 1012);
});

Deno.test("WebSocket sends heartbeat pings and a reset when history expired", async () => {
  await using t = await testFeed();
  await using server = wsServer(t.feed, { heartbeatMs: 20 });
  await publishMany(t.feed, "room", 4);
  for (const seq of range(1, 2)) await t.kv.delete(liveKeys.event("room", seq));
  const client = await connect(wsUrl(server, "/ws/room?after=1"));
  await client.until(
    (messages) =>
      client.seqs().length === 2 && messages.filter((message) => message.type === "ping").length >= 2,
    "the retained events and two pings",
  );
  const reset = client.messages.find((message) => message.type === "reset");
  assert.deepEqual(reset, { type: "reset", reason: "expired", afterSeq: 1, firstSeq: 3 });
  assert.deepEqual(client.seqs(), [3, 4]);
  await client.close();
});

Deno.test("WebSocket closes with 1011 when map throws, instead of going silent", async () => {
  await using t = await testFeed();
  await using server = wsServer(t.feed, {
    map: () => {
      throw new Error("bad view");
    },
  });
  await t.feed.publish("room", "tick", {});
  const client = await connect(wsUrl(server, "/ws/room"));
  const event = await client.closed();
  assert.equal(event.code, 1011);
  await until(() => t.feed.stats().subscribers === 0, "the subscription to be removed");
});

Deno.test("serveWebSocket rejects a plain HTTP request with a typed error", async () => {
  await using t = await testFeed();
  assert.throws(
    () =>
      serveWebSocket({
        request: new Request("http://x/ws"),
        feed: t.feed,
        topic: "room",
        afterSeq: 0,
        heartbeatMs: 30_000,
      }),
    (error: Error & { code?: string }) => error.code === "websocket_upgrade_required",
  );
});

Deno.test("WebSocket initial sends a snapshot event first and continues after its seq", async () => {
  await using t = await testFeed();
  await publishMany(t.feed, "room", 3);
  await using server = wsServer(t.feed, {
    initial: () => Promise.resolve([{ seq: 2, type: "state", data: { upTo: 2 }, at: 0 }]),
  });
  const client = await connect(wsUrl(server, "/ws/room"));
  await client.until(() => client.seqs().length === 2, "the snapshot and the event after it");
  assert.deepEqual(client.events()[0], { type: "state", seq: 2, data: { upTo: 2 } });
  assert.deepEqual(client.seqs(), [2, 3]);
  await t.feed.publish("room", "update", { text: "live" });
  await client.until(() => client.seqs().length === 3, "the live event");
  assert.deepEqual(client.seqs(), [2, 3, 4]);
  await client.close();
});
