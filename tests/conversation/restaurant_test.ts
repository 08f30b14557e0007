/** Restaurant assistant: menus, sessions, tools, cart math in minor units, idempotent finalize. */
import assert from "node:assert/strict";
import { addLine, cartTotals, setQuantity } from "../../lib/restaurant/cart.ts";
import { demoMenu } from "../../lib/conversation/demo.ts";
import { asService, asThemeAdmin, conversationKiln } from "./_helpers.ts";

Deno.test("cart math stays in integer minor units and computes tax once, half up", () => {
  // Three items at 0.10 with 8.25 % tax: float math would give 0.30000000000000004 and drift.
  const lines = [{ itemId: "a", name: "A", quantity: 3, unitPriceMinor: 10 }];
  assert.deepEqual(cartTotals(lines, "USD", 825), {
    itemCount: 3,
    subtotalMinor: 30,
    taxMinor: 2,
    totalMinor: 32,
    currency: "USD",
    taxRateBasisPoints: 825,
  });
  const totals = cartTotals(
    [{ itemId: "d", name: "D", quantity: 2, unitPriceMinor: 1549 }, {
      itemId: "t",
      name: "T",
      quantity: 1,
      unitPriceMinor: 750,
    }],
    "USD",
    825,
  );
  assert.equal(totals.subtotalMinor, 3848);
  assert.equal(totals.taxMinor, 317); // 317.46 → 317
  assert.equal(totals.totalMinor, 4165);
  assert.equal(
    cartTotals([{ itemId: "x", name: "X", quantity: 1, unitPriceMinor: 200 }], "USD", 1250).taxMinor,
    25,
  );
  const merged = addLine(lines, { itemId: "a", name: "A", quantity: 2, unitPriceMinor: 10 });
  assert.equal(merged.length, 1);
  assert.equal(merged[0].quantity, 5);
  assert.deepEqual(setQuantity(merged, "a", 0), []);
});

async function restaurantSession(kiln: Awaited<ReturnType<typeof conversationKiln>>) {
  const menu = await kiln.request("/api/restaurant/tenants/bistro/menu", {
    method: "PUT",
    json: demoMenu,
    headers: asThemeAdmin,
  });
  assert.equal(menu.status, 200);
  await menu.body?.cancel();
  const created = await kiln.request("/api/restaurant/sessions", {
    json: { tenantId: "bistro", language: "en" },
    headers: asService,
  });
  assert.equal(created.status, 201);
  return await created.json();
}

function tool(
  kiln: Awaited<ReturnType<typeof conversationKiln>>,
  sessionId: string,
  name: string,
  args: unknown = {},
) {
  return kiln.request(`/api/restaurant/sessions/${sessionId}/tools/${name}`, {
    json: { args },
    headers: asService,
  })
    .then(async (response) => ({ status: response.status, body: await response.json() }));
}

Deno.test("voice tools drive the cart and the display; finalize refuses until ready, then places one order", async () => {
  await using kiln = await conversationKiln();
  const { sessionId, displayUrl, websocketUrl } = await restaurantSession(kiln);
  assert.match(displayUrl, /\/ui\/conversation\?session=/);
  assert.match(websocketUrl, /^ws:\/\/.*\/display\?token=/);

  assert.equal((await tool(kiln, sessionId, "finalize_order")).body.error, "cart_empty");
  const dish = await tool(kiln, sessionId, "show_dish_details", { name: "diavola" });
  assert.equal(dish.body.dish.priceMinor, 1549);
  const added = await tool(kiln, sessionId, "add_to_cart_verbal", { itemId: "diavola", quantity: 2 });
  assert.equal(added.body.cart.subtotalMinor, 3098);
  await tool(kiln, sessionId, "add_to_order", { name: "Tiramisu" }); // deprecated alias still works
  const cart = (await tool(kiln, sessionId, "get_cart_items")).body.cart;
  assert.deepEqual([cart.subtotalMinor, cart.taxMinor, cart.totalMinor], [3848, 317, 4165]);
  assert.equal(
    (await tool(kiln, sessionId, "add_to_cart_verbal", { name: "unicorn steak" })).body.error,
    "dish_not_found",
  );
  assert.equal((await tool(kiln, sessionId, "finalize_order")).body.error, "customer_missing");
  await tool(kiln, sessionId, "capture_customer_info", { name: "Ada", phone: "555-0100" });
  assert.equal((await tool(kiln, sessionId, "finalize_order")).body.error, "address_unverified");
  assert.equal(
    (await tool(kiln, sessionId, "verify_delivery_address", { address: "nowhere" })).body.verified,
    false,
  );
  assert.equal((await tool(kiln, sessionId, "finalize_order")).body.error, "address_unverified");
  assert.equal(
    (await tool(kiln, sessionId, "verify_delivery_address", { address: "12 Market Street" })).body.verified,
    true,
  );
  const [first, second] = await Promise.all([
    tool(kiln, sessionId, "finalize_order"),
    tool(kiln, sessionId, "finalize_order"),
  ]);
  assert.equal(first.body.ok && second.body.ok, true);
  assert.equal(first.body.order.orderId, second.body.order.orderId, "one order per cart");
  assert.equal(first.body.order.totalMinor, 4165);
  assert.equal([first, second].filter((call) => call.body.alreadyPlaced).length, 1);
  assert.equal(
    (await tool(kiln, sessionId, "add_to_cart_verbal", { itemId: "caesar" })).body.error,
    "order_already_placed",
  );

  const state = await (await kiln.request(`/conversation/${sessionId}/state`, { headers: asService })).json();
  const types = state.updates.map((update: { type: string }) => update.type);
  assert.deepEqual(types.filter((type: string) => type === "order_confirmed").length, 1);
  assert.ok(
    types.includes("dish_card") && types.includes("cart_item_added") &&
      types.includes("address_verification"),
  );
  const summary = state.updates.find((update: { type: string }) => update.type === "checkout_summary");
  assert.equal(summary.data.totalMinor, 4165);

  const session = await (await kiln.request(`/api/restaurant/sessions/${sessionId}`, { headers: asService }))
    .json();
  assert.equal(session.order.orderId, first.body.order.orderId);
  const removed = await kiln.request(`/api/restaurant/sessions/${sessionId}`, {
    method: "DELETE",
    headers: asService,
  });
  assert.equal(removed.status, 204);
  const gone = await kiln.request(`/api/restaurant/sessions/${sessionId}`, { headers: asService });
  assert.equal(gone.status, 404);
  await gone.body?.cancel();
});

Deno.test("restaurant API: auth, unknown tools, bad args, menus, and the tool catalogue", async () => {
  await using kiln = await conversationKiln();
  const { sessionId } = await restaurantSession(kiln);
  const anonymous = await kiln.request("/api/restaurant/sessions", { json: { tenantId: "bistro" } });
  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();
  const noMenu = await kiln.request("/api/restaurant/sessions", {
    json: { tenantId: "nomenu" },
    headers: asService,
  });
  assert.equal(noMenu.status, 404);
  await noMenu.body?.cancel();
  const menuWrite = await kiln.request("/api/restaurant/tenants/bistro/menu", {
    method: "PUT",
    json: demoMenu,
  });
  assert.equal(menuWrite.status, 401);
  await menuWrite.body?.cancel();
  const badMenu = await kiln.request("/api/restaurant/tenants/bistro/menu", {
    method: "PUT",
    json: { items: [{ id: "a", name: "A", priceMinor: 1.5 }] },
    headers: asThemeAdmin,
  });
  assert.equal(badMenu.status, 422);
  await badMenu.body?.cancel();
  assert.equal((await tool(kiln, sessionId, "launch_rockets")).status, 404);
  const badArgs = await tool(kiln, sessionId, "update_cart_item", { quantity: -1 });
  assert.equal(badArgs.status, 422);
  assert.equal(badArgs.body.issues[0].path, "args.quantity");
  const noAuth = await kiln.request(`/api/restaurant/sessions/${sessionId}/tools/get_cart_items`, {
    json: { args: {} },
  });
  assert.equal(noAuth.status, 401);
  await noAuth.body?.cancel();
  const menu = await (await kiln.request("/api/restaurant/tenants/bistro/menu")).json();
  assert.equal(menu.menu.items.length, 4);
  const catalogue = await (await kiln.request("/api/restaurant/tools")).json();
  const names = catalogue.tools.map((entry: { name: string }) => entry.name);
  assert.ok(names.includes("finalize_order") && names.includes("update_order_summary"));
  const add = catalogue.tools.find((entry: { name: string }) => entry.name === "add_to_cart_verbal");
  assert.equal(add.parameters.type, "object");
  assert.ok("quantity" in add.parameters.properties);
});
