/**
 * Restaurant tools are all or nothing: a call that fails — at a cart limit or the money cap — leaves
 * the cart and the display exactly as they were, and the cart can never grow into a state that
 * makes later calls fail (a cart card too big for one update is shown with its totals only).
 */
import assert from "node:assert/strict";
import { maxCartLines, maxCartTotalMinor } from "../../lib/restaurant/cart.ts";
import { asService, asThemeAdmin, conversationKiln } from "../conversation/_helpers.ts";

type Kiln = Awaited<ReturnType<typeof conversationKiln>>;

const menu = {
  currency: "USD",
  taxRateBasisPoints: 1_000,
  items: [
    { id: "caviar", name: "Caviar tower", priceMinor: 10_000_000 },
    ...Array.from({ length: 30 }, (_, i) => ({ id: `dish-${i}`, name: `Dish number ${i}`, priceMinor: 500 })),
  ],
};

async function session(kiln: Kiln): Promise<string> {
  const saved = await kiln.request("/api/restaurant/tenants/limits/menu", {
    method: "PUT",
    json: menu,
    headers: asThemeAdmin,
  });
  assert.equal(saved.status, 200);
  await saved.body?.cancel();
  const created = await kiln.request("/api/restaurant/sessions", {
    json: { tenantId: "limits", language: "en" },
    headers: asService,
  });
  assert.equal(created.status, 201);
  return (await created.json()).sessionId;
}

async function tool(kiln: Kiln, sessionId: string, name: string, args: unknown = {}) {
  const response = await kiln.request(`/api/restaurant/sessions/${sessionId}/tools/${name}`, {
    json: { args },
    headers: asService,
  });
  return { status: response.status, body: await response.json() };
}

async function cart(kiln: Kiln, sessionId: string) {
  return (await tool(kiln, sessionId, "get_cart_items")).body.cart;
}

async function displayedUpdates(kiln: Kiln, sessionId: string): Promise<number> {
  const state = await (await kiln.request(`/conversation/${sessionId}/state`, { headers: asService })).json();
  return state.updates.length;
}

Deno.test("past the money cap an order is refused and the cart stays as it was", async () => {
  await using kiln = await conversationKiln();
  const sessionId = await session(kiln);
  for (let i = 0; i < 4; i++) {
    assert.equal(
      (await tool(kiln, sessionId, "add_to_cart_verbal", { itemId: "caviar", quantity: 2 })).body.ok,
      true,
    );
  }
  const before = await cart(kiln, sessionId);
  const updatesBefore = await displayedUpdates(kiln, sessionId);
  const refused = await tool(kiln, sessionId, "add_to_cart_verbal", { itemId: "caviar", quantity: 20 });
  assert.equal(refused.status, 200);
  assert.equal(refused.body.ok, false);
  assert.equal(refused.body.error, "cart_total_too_large");
  assert.deepEqual(await cart(kiln, sessionId), before);
  assert.equal(await displayedUpdates(kiln, sessionId), updatesBefore);
  assert.ok(before.totalMinor <= maxCartTotalMinor);
  const raised = await tool(kiln, sessionId, "update_cart_item", { itemId: "caviar", quantity: 20 });
  assert.equal(raised.body.error, "cart_total_too_large");
  assert.deepEqual(await cart(kiln, sessionId), before);
});

Deno.test("a cart cannot grow until every call fails: each failing call changes nothing, others keep working", async () => {
  await using kiln = await conversationKiln();
  const sessionId = await session(kiln);
  const notes = "n".repeat(200);
  let refusals = 0;
  for (let i = 0; i < 30; i++) {
    const before = await cart(kiln, sessionId);
    const updatesBefore = await displayedUpdates(kiln, sessionId);
    const added = await tool(kiln, sessionId, "add_to_cart_verbal", { itemId: `dish-${i}`, notes });
    assert.equal(added.status, 200, `call ${i}: ${added.status} ${JSON.stringify(added.body)}`);
    if (added.body.ok) continue;
    refusals++;
    assert.equal(added.body.error, "cart_full");
    assert.deepEqual(await cart(kiln, sessionId), before, `call ${i} changed the cart and failed`);
    assert.equal(await displayedUpdates(kiln, sessionId), updatesBefore);
  }
  assert.equal(refusals, 30 - maxCartLines);
  const final = await cart(kiln, sessionId);
  assert.ok(final.items.length <= maxCartLines);
  // The session is still usable: removing a line works, and so does placing the order.
  assert.equal(
    (await tool(kiln, sessionId, "update_cart_item", { itemId: "dish-0", quantity: 0 })).body.ok,
    true,
  );
  await tool(kiln, sessionId, "capture_customer_info", { name: "Ada" });
  await tool(kiln, sessionId, "verify_delivery_address", { fulfilment: "pickup" });
  const order = await tool(kiln, sessionId, "finalize_order");
  assert.equal(order.body.ok, true, JSON.stringify(order.body));
  assert.equal(order.body.order.totalMinor, order.body.cart.totalMinor);
});
