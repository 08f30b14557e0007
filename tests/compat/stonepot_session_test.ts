/**
 * The rest of Stonepot's contract: its display page client (DisplayWebSocket.ts) follows a session
 * over `/session/:id/display` with `initial_state` / `update` frames in its own field names; a
 * service-token update, batch or state call creates a session nobody initialised (Stonepot's init
 * is best-effort), while a session's tokens never can; and prices use the tenant's currency.
 */
import assert from "node:assert/strict";
import { waitFor } from "../support/wait.ts";
import { asService, asThemeAdmin, conversationKiln, createSession } from "../conversation/_helpers.ts";

/** The frames Stonepot's DisplayWebSocketService hands its listeners, in order. */
function stonepotClient(url: string) {
  const frames: Record<string, unknown>[] = [];
  const socket = new WebSocket(url);
  socket.onmessage = (event) => frames.push(JSON.parse(event.data));
  const opened = new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  const closed = new Promise((resolve) => socket.onclose = resolve);
  return {
    frames,
    opened,
    send: (message: unknown) => socket.send(JSON.stringify(message)),
    next: (type: string) =>
      waitFor(
        `a ${type} frame`,
        () => frames.find((frame, index) => frame.type === type && frames.splice(index, 1)),
      ),
    async close() {
      socket.close();
      await closed;
    },
  };
}

Deno.test("Stonepot's DisplayWebSocket gets initial_state then update frames in its own field names", async () => {
  await using kiln = await conversationKiln();
  const base = kiln.listen();
  const session = await createSession(kiln, "coorg-food-co");
  await kiln.request(`/conversation/${session.sessionId}/update`, {
    json: { type: "transcription", data: { text: "Hello!", speaker: "assistant", isFinal: true } },
    headers: asService,
  });

  const refused = await kiln.request(`/session/${session.sessionId}/display`, {
    headers: { upgrade: "websocket", connection: "Upgrade" },
  });
  assert.equal(refused.status, 401, "the display token is required, as on Kiln's own stream");
  await refused.body?.cancel();

  const client = stonepotClient(
    `${base.replace("http", "ws")}/session/${session.sessionId}/display?token=${session.token}`,
  );
  await client.opened;
  const initial = await client.next("initial_state");
  const state = initial.state as Record<string, unknown>;
  assert.equal(state.sessionId, session.sessionId);
  assert.deepEqual(
    (state.transcriptions as { text: string; speaker: string }[]).map(({ text, speaker }) => ({
      text,
      speaker,
    })),
    [{ text: "Hello!", speaker: "assistant" }],
  );
  assert.deepEqual(state.displayUpdates, []);
  assert.equal(typeof initial.timestamp, "number");

  await kiln.request(`/session/${session.sessionId}/update`, {
    json: {
      type: "cart_updated",
      data: {
        cart: {
          items: [{
            id: "item_1",
            dishName: "Pandi Curry",
            quantity: 2,
            price: 349.5,
            itemTotal: 699,
            customizations: [],
          }],
          subtotal: 699,
          tax: 35,
          total: 734,
        },
        action: "increase",
      },
    },
    headers: asService,
  });
  const { update } = await client.next("update") as {
    update: { type: string; data: { action: string; cart: { items: unknown[]; total: number } } };
  };
  assert.equal(update.type, "cart_updated");
  assert.equal(update.data.action, "increase");
  assert.deepEqual(update.data.cart.items[0], {
    id: "item_1",
    dishName: "Pandi Curry",
    name: "Pandi Curry",
    quantity: 2,
    price: 349.5,
    itemPrice: 349.5,
    itemTotal: 699,
    customizations: [],
  });
  assert.equal(update.data.cart.total, 734, "major units, as Stonepot's page renders ₹{total}");

  client.send({ type: "ping" });
  assert.equal(typeof (await client.next("pong")).at, "number");
  client.send({ type: "user_action", action: "add_to_cart", data: { dishName: "Akki Roti", quantity: 1 } });
  const refusedAction = await client.next("action_error");
  assert.equal(refusedAction.action, "add_to_cart", "button clicks are answered, not silently dropped");
  await client.close();

  const stonepotState =
    await (await kiln.request(`/session/${session.sessionId}/state`, { headers: asService }))
      .json();
  assert.equal(stonepotState.currentOrder.items[0].dishName, "Pandi Curry");
  assert.equal(stonepotState.displayUpdates[0].data.cart.subtotal, 699);
});

Deno.test("a service-token update, batch or state call creates the session; a session's tokens cannot", async () => {
  await using kiln = await conversationKiln({ DISPLAY_DEFAULT_TENANT: "stonepot-default" });
  await kiln.request("/api/restaurant/tenants/coorg-food-co/menu", {
    method: "PUT",
    json: { currency: "INR", items: [{ id: "roti", name: "Akki Roti", priceMinor: 4_900 }] },
    headers: asThemeAdmin,
  });
  const dish = { type: "dish_card", data: { name: "Akki Roti", price: 49 } };

  const implicit = await kiln.request("/session/session_1_never_initialised/update", {
    json: dish,
    headers: asService,
  });
  assert.equal(implicit.status, 201, await implicit.clone().text());
  const state =
    await (await kiln.request("/conversation/session_1_never_initialised/state", { headers: asService }))
      .json();
  assert.equal(state.tenantId, "stonepot-default");
  assert.equal(state.updates[0].data.currency, "USD", "a tenant with no menu, theme or init currency");

  const hinted = await kiln.request("/conversation/session_2_never_initialised/update", {
    json: { ...dish, tenantId: "coorg-food-co" },
    headers: asService,
  });
  assert.equal(hinted.status, 201);
  const update = (await hinted.json()).update;
  assert.deepEqual([update.data.priceMinor, update.data.currency], [4_900, "INR"]);

  const batch = await kiln.request("/conversation/session_3_never_initialised/batch", {
    json: { updates: [dish], tenantId: "coorg-food-co", category: "restaurant" },
    headers: asService,
  });
  assert.equal(batch.status, 201);

  const read = await kiln.request("/session/session_4_never_initialised/state?tenant=coorg-food-co", {
    headers: asService,
  });
  assert.equal(read.status, 200);
  assert.deepEqual(
    [
      (await read.json()).tenantId,
      (await (await kiln.request("/conversation/session_4_never_initialised/state", {
        headers: asService,
      })).json()).currency,
    ],
    ["coorg-food-co", "INR"],
  );

  const other = await createSession(kiln, "coorg-food-co");
  for (const token of [other.writeToken, other.token, "not-a-token"]) {
    const refused = await kiln.request("/conversation/session_5_never_initialised/update", {
      json: dish,
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(refused.status, 401);
    await refused.body?.cancel();
  }
  const displayRead = await kiln.request(
    `/conversation/session_5_never_initialised/state?token=${other.token}`,
  );
  assert.equal(displayRead.status, 401);
  await displayRead.body?.cancel();
  const stillMissing = await kiln.request("/conversation/session_5_never_initialised/display", {
    headers: { ...asService, accept: "text/event-stream" },
  });
  assert.equal(stillMissing.status, 404, "following a stream never creates a session");
  await stillMissing.body?.cancel();
  const badHint = await kiln.request("/conversation/session_6_never_initialised/update", {
    json: { ...dish, tenantId: "../etc" },
    headers: asService,
  });
  assert.equal(badHint.status, 422);
  await badHint.body?.cancel();
});

Deno.test("currency: the update's own, else init's, else the tenant's menu or theme, else USD; minor units follow it", async () => {
  await using kiln = await conversationKiln();
  const put = (path: string, json: unknown) =>
    kiln.request(path, { method: "PUT", json, headers: asThemeAdmin });
  await put("/api/restaurant/tenants/tokyo-ramen/menu", { currency: "JPY", items: [] });
  const tokyo = await createSession(kiln, "tokyo-ramen");
  const ramen = await (await kiln.request(`/conversation/${tokyo.sessionId}/update`, {
    json: { type: "dish_card", data: { name: "Shoyu Ramen", price: 1200 } },
    headers: asService,
  })).json();
  assert.deepEqual(
    [ramen.update.data.priceMinor, ramen.update.data.currency],
    [1_200, "JPY"],
    "yen have no minor unit",
  );

  const initialised = await (await kiln.request("/conversation/new/init", {
    json: { tenantId: "tokyo-ramen", currency: "eur" },
    headers: asService,
  })).json();
  assert.equal(initialised.currency, "EUR", "init's currency beats the menu's");
  const own = await (await kiln.request(`/conversation/${initialised.sessionId}/update`, {
    json: { type: "payment_pending", data: { amount: 12.5, currency: "GBP" } },
    headers: asService,
  })).json();
  assert.deepEqual([own.update.data.amountMinor, own.update.data.currency], [1_250, "GBP"]);
});
