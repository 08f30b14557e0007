/** The live display stream over real sockets: SSE (state, updates, Last-Event-ID resume) and WebSocket. */
import assert from "node:assert/strict";
import { openSse } from "../support/sse_client.ts";
import { deadline } from "../support/wait.ts";
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
  const socket = new WebSocket(
    `${base.replace("http", "ws")}/conversation/${sessionId}/display?token=${token}`,
  );
  // deno-lint-ignore no-explicit-any
  const messages: any[] = [];
  const waiters: (() => void)[] = [];
  socket.onmessage = (event) => {
    messages.push(JSON.parse(event.data));
    waiters.splice(0).forEach((wake) => wake());
  };
  const closed = new Promise((resolve) => (socket.onclose = resolve));
  // deno-lint-ignore no-explicit-any
  const until = async (test: (message: any) => boolean, what: string) => {
    while (!messages.some(test)) await deadline(new Promise<void>((resolve) => waiters.push(resolve)), what);
  };
  await until((message) => message.type === "state", "the state");
  socket.send(JSON.stringify({ type: "ping" }));
  await until((message) => message.type === "pong", "the pong");
  await kiln.request(`/conversation/${sessionId}/batch`, {
    json: { updates: [{ type: "snippet", data: { code: "a" } }, { type: "snippet", data: { code: "b" } }] },
    headers: asService,
  });
  await until((message) => message.seq === 2, "both updates");
  assert.deepEqual(
    messages.filter((message) => message.type === "update").map((message) => message.data.data.code),
    ["a", "b"],
  );
  socket.close();
  await closed;
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
