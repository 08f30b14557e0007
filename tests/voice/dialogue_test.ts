/**
 * The offline assistant by text over the real voice socket: a whole order from the first dish to
 * the placed order, with every turn on the display and every change in the restaurant cart.
 */
import assert from "node:assert/strict";
import { displayState, restaurantState, say, voiceScene } from "./_helpers.ts";
import { waitFor } from "../support/wait.ts";

const textOnly = { VOICE_TTS: "none" };

Deno.test("a typed order goes from first dish to placed order, asking only for what is missing", async () => {
  await using voice = await voiceScene(textOnly);
  const { session, client } = voice;

  assert.equal(
    await say(client, "two garlic naan and one dal makhani"),
    "Added 2 garlic naan and 1 dal makhani. Anything else?",
  );
  assert.match(
    await say(client, "is the paneer tikka vegetarian?"),
    /^Yes, the paneer tikka is vegetarian\. Shall I add one\?$/,
  );
  assert.equal(await say(client, "yes"), "Added 1 paneer tikka. Anything else?");
  assert.equal(await say(client, "remove the paneer"), "Removed the paneer tikka.");
  assert.equal(await say(client, "that's all"), "Can I have a name for the order?");
  assert.equal(await say(client, "Ada"), "Thanks, Ada. And a phone number? Say the digits, or say skip.");
  assert.equal(
    await say(client, "five five five zero one zero zero"),
    "Got your number. Is that for delivery or pickup?",
  );
  assert.equal(await say(client, "delivery"), "What's the delivery address?");
  assert.equal(
    await say(client, "twelve market street"),
    "Delivering to 12 Market Street. That's 2 garlic naan and 1 dal makhani, $21.11 in total, delivered to 12 Market Street. Shall I place the order?",
  );
  const placed = await say(client, "yes please");
  assert.match(
    placed,
    /^Your order [A-Z2-7]{8} is placed\. The total is \$21\.11, ready in about 40 minutes\. Thank you!$/,
  );

  const state = await restaurantState(voice.kiln, session.sessionId);
  assert.deepEqual(
    state.cart.map((line: { itemId: string; quantity: number }) => [line.itemId, line.quantity]),
    [
      ["garlic-naan", 2],
      ["dal-makhani", 1],
    ],
  );
  assert.deepEqual(state.customer, { name: "Ada", phone: "5550100" });
  assert.equal(state.order.totalMinor, 2111); // 700 + 1250 = 1950, tax 8.25 % = 161
  assert.equal(state.address.text, "12 Market Street");

  // The reply's last display write is queued behind the reply itself: wait for the display to catch up.
  const display = await waitFor(
    "the last transcript on the display",
    async () => {
      const view = await displayState(voice.kiln, session);
      return view.transcripts.length >= 20 ? view : undefined;
    },
  );
  const bubbles = display.transcripts.map((entry: { data: { speaker: string; text: string } }) =>
    `${entry.data.speaker}: ${entry.data.text}`
  );
  assert.equal(bubbles[0], "user: two garlic naan and one dal makhani");
  assert.equal(bubbles[1], "assistant: Added 2 garlic naan and 1 dal makhani. Anything else?");
  assert.equal(bubbles.length, 20);
  const cards = display.updates.map((update: { type: string }) => update.type);
  assert.deepEqual(cards.slice(0, 4), ["cart_item_added", "cart_item_added", "dish_card", "cart_item_added"]);
  assert.deepEqual(cards.slice(-3), ["checkout_summary", "payment_pending", "order_confirmed"]);
});

Deno.test("vague dishes get a question, menus and dietary questions become display cards", async () => {
  await using voice = await voiceScene(textOnly);
  const { session, client } = voice;

  assert.equal(await say(client, "I'd like a naan"), "Which one: garlic naan or butter naan?");
  assert.equal(await say(client, "butter"), "Added 1 butter naan. Anything else?");
  assert.equal(await say(client, "make that three"), "Now 3 butter naan.");
  assert.equal(
    await say(client, "what vegan options do you have"),
    "Our vegan dishes are chana masala and vegetable samosa.",
  );
  assert.equal(
    await say(client, "hmm banana split"),
    "Sorry, I didn't catch that. You can say things like: two garlic naan and a mango lassi.",
  );
  assert.equal(await say(client, "what's in my cart"), "You have 3 butter naan. The total is $9.74.");

  const display = await displayState(voice.kiln, session);
  const section = display.updates.find((update: { type: string }) => update.type === "menu_section");
  assert.equal(section.data.title, "Vegan dishes");
  assert.deepEqual(section.data.items.map((item: { name: string }) => item.name), [
    "Chana masala",
    "Vegetable samosa",
  ]);
  assert.equal(display.updates.at(-1).type, "order_summary");
});
