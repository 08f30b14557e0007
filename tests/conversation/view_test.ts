/** Pure pieces: the browser's state merge (rings, interim replacement, replays) and money parsing. */
import assert from "node:assert/strict";
import { parseUpdate } from "../../lib/conversation/updates.ts";
import { applyToView } from "../../lib/conversation/view.ts";
import type { DisplayUpdate } from "../../lib/conversation/updates.ts";

const transcript = (seq: number, speaker: string, isFinal: boolean): DisplayUpdate => ({
  seq,
  type: "transcription",
  data: { text: `t${seq}`, speaker, isFinal },
  at: 0,
});

Deno.test("the page's merge replaces interim transcripts, ignores replays and keeps the rings", () => {
  let view = { seq: 0, transcripts: [] as DisplayUpdate[], updates: [] as DisplayUpdate[] };
  view = applyToView(view, transcript(1, "user", false));
  view = applyToView(view, transcript(2, "user", true));
  assert.deepEqual(view.transcripts.map((entry) => entry.seq), [2]);
  assert.equal(applyToView(view, transcript(2, "user", true)), view, "a replayed seq changes nothing");
  for (let seq = 3; seq < 70; seq++) {
    view = applyToView(view, { seq, type: "confirmation", data: { title: String(seq) }, at: 0 });
  }
  assert.equal(view.updates.length, 50);
  assert.equal(view.updates[0].seq, 20);
});

Deno.test("money in major units becomes integer minor units; line totals are derived", () => {
  const dish = parseUpdate({ type: "dish_card", name: "Soup", price: 0.1 + 0.2 });
  assert.equal(dish.data.priceMinor, 30);
  const summary = parseUpdate({
    type: "order_summary",
    data: { items: [{ name: "Soup", quantity: 3, unitPrice: 4.99 }], total: 14.97 },
  });
  assert.equal(summary.data.items[0].lineTotalMinor, 1497);
  assert.equal(summary.data.totalMinor, 1497);
  assert.throws(() => parseUpdate({ type: "dish_card", name: "Soup", price: -1 }), /priceMinor/);
  const hugeCart = Array.from({ length: 100 }, (_, n) => ({ name: `${n} ${"x".repeat(190)}`, price: 1 }));
  assert.throws(() => parseUpdate({ type: "cart_updated", items: hugeCart }), /at most 16000 bytes/);
});

Deno.test("a __proto__ member in an update is dropped, never a prototype", () => {
  const update = parseUpdate(
    JSON.parse('{"type":"dish_card","data":{"name":"Soup","__proto__":{"priceMinor":1}}}'),
  );
  assert.equal(update.data.priceMinor, undefined);
  assert.equal(Object.getPrototypeOf(update.data), Object.prototype);
  assert.equal(update.data.extra, undefined, "nothing else was sent");
});

Deno.test("unknown producer fields are kept under data.extra; the largest go first when an update would be too big", () => {
  const confirmed = parseUpdate(
    {
      type: "order_confirmed",
      data: {
        orderId: "ORD-1",
        total: 1099.35,
        razorpayOrderId: "order_Nk2",
        invoice: { lines: "x".repeat(20_000) },
        billText: "TOTAL 1099.35",
      },
    },
    "body",
    { currency: "INR" },
  );
  assert.equal(confirmed.data.totalMinor, 109_935);
  assert.deepEqual(confirmed.data.extra, { razorpayOrderId: "order_Nk2", billText: "TOTAL 1099.35" });
  assert.deepEqual(confirmed.data.extraDropped, ["invoice"]);
  assert.equal(parseUpdate({ type: "webpage", url: "https://example.com" }).data.extra, undefined);
});
