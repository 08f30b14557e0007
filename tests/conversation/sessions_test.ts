/** Sessions API over HTTP: init, update, batch, state, every auth failure, validation, bounds. */
import assert from "node:assert/strict";
import { asService, conversationKiln, createSession, postUpdate } from "./_helpers.ts";
import { conversationModule } from "../../lib/conversation/mod.ts";

Deno.test("init creates a CSPRNG session with display and write tokens; re-init keeps tenant", async () => {
  await using kiln = await conversationKiln();
  const created = await createSession(kiln);
  assert.match(created.sessionId, /^[a-z2-7]{26}$/);
  const display = new URL(created.displayUrl);
  assert.equal(display.pathname, "/ui/conversation");
  assert.equal(display.searchParams.get("session"), created.sessionId);
  assert.ok(created.writeToken.length > 40);

  const again = await kiln.request(`/conversation/${created.sessionId}/init`, {
    json: { tenantId: "bistro", category: "financial" },
    headers: asService,
  });
  assert.equal(again.status, 200);
  const body = await again.json();
  assert.equal(body.category, "financial");
  assert.equal(body.writeToken, undefined, "the write token is only handed out once");

  const otherTenant = await kiln.request(`/conversation/${created.sessionId}/init`, {
    json: { tenantId: "someone-else" },
    headers: asService,
  });
  assert.equal(otherTenant.status, 409);
  assert.equal((await otherTenant.json()).code, "session_tenant_mismatch");

  const anonymous = await kiln.request("/conversation/new/init", { json: { tenantId: "bistro" } });
  assert.equal(anonymous.status, 401);
  const wrong = await kiln.request("/conversation/new/init", {
    json: { tenantId: "bistro" },
    headers: { authorization: "Bearer nope" },
  });
  assert.equal(wrong.status, 401);
});

Deno.test("updates: envelope and legacy flat shapes become one canonical shape with seqs", async () => {
  await using kiln = await conversationKiln();
  const session = await createSession(kiln);
  const envelope = await postUpdate(kiln, session.sessionId, {
    type: "dish_card",
    data: {
      name: "Test Pizza",
      price: 12.99,
      description: "Test dish",
      dietary: ["vegetarian"],
      spiceLevel: 2,
    },
  });
  assert.equal(envelope.status, 201);
  const flat = await postUpdate(kiln, session.sessionId, {
    type: "dish_card",
    name: "Test Pizza",
    priceMinor: 1299,
    description: "Test dish",
    dietary: ["vegetarian"],
    spiceLevel: 2,
  }, session.writeToken);
  assert.equal(flat.status, 201);
  const [first, second] = [await envelope.json(), await flat.json()];
  assert.equal(first.seq, 1);
  assert.equal(second.seq, 2);
  assert.deepEqual(first.update.data, second.update.data);
  assert.equal(first.update.data.priceMinor, 1299);

  const state = await kiln.request(`/conversation/${session.sessionId}/state?token=${session.token}`);
  assert.equal(state.status, 200);
  const body = await state.json();
  assert.equal(body.seq, 2);
  assert.deepEqual(body.updates.map((update: { seq: number }) => update.seq), [1, 2]);
});

Deno.test("all 15 update types are accepted; unknown types and bad fields are 422 naming the problem", async () => {
  await using kiln = await conversationKiln();
  const { sessionId } = await createSession(kiln);
  const items = [{ name: "Soup", quantity: 2, unitPriceMinor: 500 }];
  const samples = [
    { type: "transcription", data: { text: "hello", speaker: "user", isFinal: true } },
    { type: "dish_card", data: { name: "Soup", priceMinor: 500 } },
    { type: "menu_section", data: { title: "Starters", items: [{ name: "Soup", price: 5 }] } },
    { type: "order_summary", data: { items, subtotalMinor: 1000, totalMinor: 1083 } },
    { type: "order_update", data: { status: "preparing" } },
    { type: "confirmation", data: { title: "Done" } },
    { type: "cart_item_added", data: { item: items[0] } },
    { type: "cart_updated", data: { items } },
    { type: "address_verification", data: { address: "1 Main St", verified: true } },
    { type: "checkout_summary", data: { items, customerName: "Ada" } },
    { type: "payment_pending", data: { amountMinor: 1083 } },
    { type: "order_confirmed", data: { orderId: "A1" } },
    { type: "advice_card", data: { title: "Save", body: "Save more." } },
    { type: "webpage", data: { url: "https://example.com", title: "Example" } },
    { type: "snippet", data: { code: "print(1)", language: "python" } },
  ];
  const response = await kiln.request(`/conversation/${sessionId}/batch`, {
    json: { updates: samples },
    headers: asService,
  });
  assert.equal(response.status, 201, await response.clone().text());
  assert.equal((await response.json()).seq, 15);

  const unknown = await postUpdate(kiln, sessionId, { type: "fake_payment", data: {} });
  assert.equal(unknown.status, 422);
  assert.match((await unknown.json()).issues[0].message, /unknown update type/);

  const bad = await postUpdate(kiln, sessionId, {
    type: "transcription",
    data: { text: "x", speaker: "robot" },
  });
  assert.equal(bad.status, 422);
  assert.equal((await bad.json()).issues[0].path, "body.data.speaker");

  const script = await postUpdate(kiln, sessionId, {
    type: "webpage",
    data: { url: "javascript:alert(1)", title: "x" },
  });
  assert.equal(script.status, 422, "only http(s) links are accepted");

  const badBatch = await kiln.request(`/conversation/${sessionId}/batch`, {
    json: { updates: [samples[0], { type: "transcription", data: {} }] },
    headers: asService,
  });
  assert.equal(badBatch.status, 422);
  assert.equal((await badBatch.json()).issues[0].path.startsWith("updates.1"), true);
  const state = await (await kiln.request(`/conversation/${sessionId}/state`, { headers: asService })).json();
  assert.equal(state.seq, 15, "a rejected batch applies nothing");
});

Deno.test("writes and reads are authorised per session", async () => {
  await using kiln = await conversationKiln();
  const first = await createSession(kiln);
  const second = await createSession(kiln);
  const update = { type: "confirmation", data: { title: "Paid" } };
  assert.equal((await postUpdate(kiln, first.sessionId, update, "")).status, 401);
  assert.equal((await postUpdate(kiln, first.sessionId, update, second.writeToken)).status, 401);
  assert.equal(
    (await postUpdate(kiln, first.sessionId, update, first.token)).status,
    401,
    "display token cannot write",
  );
  assert.equal(
    (await postUpdate(kiln, "unknownsession", update, first.writeToken)).status,
    401,
    "a session's write token never creates another session",
  );

  for (const query of ["", `?token=${second.token}`, "?token=forged"]) {
    const state = await kiln.request(`/conversation/${first.sessionId}/state${query}`);
    assert.equal(state.status, 401, query);
    await state.body?.cancel();
    const stream = await kiln.request(`/conversation/${first.sessionId}/display${query}`, {
      headers: { accept: "text/event-stream" },
    });
    assert.equal(stream.status, 401, query);
    await stream.body?.cancel();
  }
  const withWriteToken = await kiln.request(`/conversation/${first.sessionId}/state`, {
    headers: { authorization: `Bearer ${first.writeToken}` },
  });
  assert.equal(withWriteToken.status, 200);
  await withWriteToken.body?.cancel();
});

Deno.test("state keeps the last 100 transcripts and 50 updates; interim transcripts are replaced", async () => {
  await using kiln = await conversationKiln();
  const { sessionId } = await createSession(kiln);
  const transcripts = Array.from({ length: 100 }, (_, index) => ({
    type: "transcription",
    data: { text: `line ${index}`, speaker: index % 2 ? "user" : "assistant", isFinal: true },
  }));
  const cards = Array.from(
    { length: 60 },
    (_, index) => ({ type: "confirmation", data: { title: `card ${index}` } }),
  );
  for (const updates of [transcripts, cards, transcripts.slice(0, 20)]) {
    const response = await kiln.request(`/conversation/${sessionId}/batch`, {
      json: { updates },
      headers: asService,
    });
    assert.equal(response.status, 201);
    await response.body?.cancel();
  }
  await postUpdate(kiln, sessionId, {
    type: "transcription",
    text: "I'd like",
    speaker: "user",
    isFinal: false,
  });
  await postUpdate(kiln, sessionId, {
    type: "transcription",
    text: "I'd like soup",
    speaker: "user",
    isFinal: true,
  });
  const state = await (await kiln.request(`/conversation/${sessionId}/state`, { headers: asService })).json();
  assert.equal(state.seq, 182);
  assert.equal(state.transcripts.length, 100);
  assert.equal(state.updates.length, 50);
  assert.equal(state.updates[0].data.title, "card 10");
  assert.equal(state.transcripts.at(-1).data.text, "I'd like soup");
  assert.ok(!state.transcripts.some((entry: { data: { isFinal: boolean } }) => !entry.data.isFinal));
  const stored = [];
  for await (const entry of kiln.services.kv.list({ prefix: ["conversation", "transcript", sessionId] })) {
    stored.push(entry);
  }
  assert.equal(stored.length, 100, "trimmed entries are deleted, not just hidden");
});

Deno.test("idle sessions expire and their keys are removed", async () => {
  await using kiln = await conversationKiln({ CONVERSATION_SESSION_TTL_HOURS: "0.01" });
  const { sessionId, token } = await createSession(kiln);
  await postUpdate(kiln, sessionId, { type: "confirmation", data: { title: "Hi" } });
  const store = kiln.services.module(conversationModule).display.store;
  assert.equal(await store.expire(), 0);
  const later = Date.now() + 60_000;
  const expired = await import("../../lib/conversation/sessions.ts").then(({ createSessionStore }) =>
    createSessionStore({ kv: kiln.services.kv, live: kiln.services.live, ttlMs: 36_000, now: () => later })
  );
  assert.equal(await expired.expire(), 1);
  const left = [];
  for await (const entry of kiln.services.kv.list({ prefix: ["conversation"] })) left.push(entry.key);
  assert.deepEqual(left, []);
  const state = await kiln.request(`/conversation/${sessionId}/state?token=${token}`);
  assert.equal(state.status, 404);
  await state.body?.cancel();
});

Deno.test("a full batch of 100 near-limit updates commits as one atomic (under KV's size limits)", async () => {
  await using kiln = await conversationKiln();
  const { sessionId } = await createSession(kiln);
  const updates = Array.from({ length: 100 }, (_, index) => ({
    type: "snippet",
    data: { title: `part ${index}`, code: "x".repeat(3_300) },
  }));
  const response = await kiln.request(`/conversation/${sessionId}/batch`, {
    json: { updates },
    headers: asService,
  });
  assert.equal(response.status, 201, await response.clone().text());
  assert.equal((await response.json()).seq, 100);
  const tooMany = await kiln.request(`/conversation/${sessionId}/batch`, {
    json: { updates: [...updates, updates[0]] },
    headers: asService,
  });
  assert.ok([413, 422].includes(tooMany.status));
  await tooMany.body?.cancel();
});
