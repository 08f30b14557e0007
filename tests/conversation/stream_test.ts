/** The live display stream over real sockets: SSE (state, updates, Last-Event-ID resume) and WebSocket. */
import assert from "node:assert/strict";
import { openSse } from "../support/sse_client.ts";
import { connect, type Message } from "../support/ws_client.ts";
import { asService, conversationKiln, createSession, postUpdate } from "./_helpers.ts";

Deno.test("SSE sends the state, then each update; Last-Event-ID resumes with exactly the missed ones", async () => {
  await using kiln = await conversationKiln();
  const base = kiln.listen();
  const { sessionId, token } = await createSession(kiln);
  await postUpdate(kiln, sessionId, { type: "confirmation", data: { title: "one" } });
  const url = `${base}/conversation/${sessionId}/display?token=${token}`;

  const first = await openSse(url, { accept: "text/event-stream" });
  await first.until((messages) => messages.some((message) => message.event === "state"), "the state event");
  const state = first.events().find((message) => message.event === "state")!;
  assert.equal(state.id, "1");
  assert.equal(JSON.parse(state.data!).updates[0].data.title, "one");
  // Two clients on one session both receive the live update.
  const second = await openSse(url, { accept: "text/event-stream" });
  await second.until(
    (messages) => messages.some((message) => message.event === "state"),
    "second client's state",
  );
  await postUpdate(kiln, sessionId, { type: "confirmation", data: { title: "two" } });
  for (const client of [first, second]) {
    await client.until((messages) => messages.some((message) => message.id === "2"), "update 2");
  }
  const update = first.events().find((message) => message.id === "2")!;
  assert.equal(update.event, "update");
  assert.equal(JSON.parse(update.data!).data.title, "two");
  await first.close();

  await postUpdate(kiln, sessionId, { type: "confirmation", data: { title: "three" } });
  await postUpdate(kiln, sessionId, { type: "confirmation", data: { title: "four" } });
  const resumed = await openSse(url, { accept: "text/event-stream", "last-event-id": "2" });
  await resumed.until((messages) => messages.some((message) => message.id === "4"), "the missed updates");
  assert.deepEqual(resumed.ids(), [3, 4]);
  assert.ok(!resumed.events().some((message) => message.event === "state"), "no full state on resume");
  await resumed.close();
  await second.close();
});

Deno.test("WebSocket stream: state first, live updates with seq, ping gets pong", async () => {
  await using kiln = await conversationKiln();
  const base = kiln.listen();
  const { sessionId, token } = await createSession(kiln);
  const client = await connect(
    `${base.replace("http", "ws")}/conversation/${sessionId}/display?token=${token}`,
  );
  await client.until((messages) => messages.some((message) => message.type === "state"), "the state");
  client.send({ type: "ping" });
  await client.until((messages) => messages.some((message) => message.type === "pong"), "the pong");
  await kiln.request(`/conversation/${sessionId}/batch`, {
    json: { updates: [{ type: "snippet", data: { code: "a" } }, { type: "snippet", data: { code: "b" } }] },
    headers: asService,
  });
  await client.until((messages) => messages.some((message) => message.seq === 2), "both updates");
  assert.deepEqual(
    client.messages.filter((message) => message.type === "update").map((message) => message.data.data.code),
    ["a", "b"],
  );
  await client.close();
});

Deno.test("KILN_LIVE_HEARTBEAT_MS paces the heartbeats of every display transport: WebSocket, Stonepot's, SSE", async () => {
  const heartbeatMs = 100;
  await using kiln = await conversationKiln({ KILN_LIVE_HEARTBEAT_MS: String(heartbeatMs) });
  const base = kiln.listen();
  const { sessionId, token } = await createSession(kiln);
  const pings = (messages: Message[]) => messages.filter((message) => message.type === "ping");
  // Both WebSocket routes: three pings well inside the wait (the defaults are 15 s and 30 s), and
  // never closer together than the configured interval.
  for (const path of ["conversation", "session"]) {
    const client = await connect(`${base.replace("http", "ws")}/${path}/${sessionId}/display?token=${token}`);
    await client.until((messages) => pings(messages).length >= 3, `three pings on /${path}/:id/display`);
    const times = pings(client.messages).map((ping) => ping.at as number);
    for (let index = 1; index < times.length; index++) {
      assert.ok(times[index] - times[index - 1] >= heartbeatMs - 5, `pings ${times.join(", ")} too close`);
    }
    await client.close();
  }
  const sse = await openSse(`${base}/conversation/${sessionId}/display?token=${token}`, {
    accept: "text/event-stream",
  });
  await sse.until(
    (messages) => messages.filter((message) => message.comment === "heartbeat").length >= 3,
    "three SSE heartbeat comments",
  );
  await sse.close();
});

Deno.test("the stream refuses a missing or wrong token", async () => {
  await using kiln = await conversationKiln();
  const base = kiln.listen();
  const { sessionId } = await createSession(kiln);
  const response = await fetch(`${base}/conversation/${sessionId}/display?token=wrong`, {
    headers: { accept: "text/event-stream" },
  });
  assert.equal(response.status, 401);
  await response.body?.cancel();
});

Deno.test("many sessions at once: each client gets exactly its own session's updates", async () => {
  await using kiln = await conversationKiln();
  const base = kiln.listen();
  const sessions = await Promise.all(Array.from({ length: 4 }, () => createSession(kiln)));
  const clients = await Promise.all(sessions.flatMap((session) =>
    [0, 1].map(async () => {
      const client = await openSse(
        `${base}/conversation/${session.sessionId}/display?token=${session.token}`,
      );
      await client.until((messages) => messages.some((message) => message.event === "state"), "state");
      return { session, client };
    })
  ));
  await Promise.all(
    sessions.map((session, index) =>
      kiln.request(`/conversation/${session.sessionId}/batch`, {
        json: {
          updates: [1, 2, 3].map((n) => ({ type: "confirmation", data: { title: `s${index}-${n}` } })),
        },
        headers: asService,
      }).then((response) => response.body?.cancel())
    ),
  );
  for (const { session, client } of clients) {
    await client.until((messages) => messages.some((message) => message.id === "3"), "three updates");
    const titles = client.events().filter((message) => message.event === "update")
      .map((message) => JSON.parse(message.data!).data.title);
    const index = sessions.indexOf(session);
    assert.deepEqual(titles, [`s${index}-1`, `s${index}-2`, `s${index}-3`]);
  }
  for (const { client } of clients) await client.close();
});
