import assert from "node:assert/strict";
import { serialize } from "node:v8";
import { decodeKey, encodeKey } from "../../lib/store/key_codec.ts";
import { decodeValue, encodeValue, MAX_VALUE_BYTES } from "../../lib/store/postgres/value_codec.ts";

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

Deno.test("encoded keys sort in Deno KV's order and decode back, ASCII or not", () => {
  const inKvOrder: Deno.KvKey[] = [
    [new Uint8Array([0])],
    [new Uint8Array([0, 1])],
    [new Uint8Array([1])],
    [""],
    ["a"],
    ["a", 1],
    ["a\u0000"],
    ["a\u0000b"],
    ["ab"],
    ["jobs", "job", "x".repeat(300)], // longer than the encoder's first buffer
    ["é"],
    ["日本"],
    ["😀"],
    [-(2n ** 63n)],
    [-1n],
    [0n],
    [2n ** 63n - 1n],
    [-Infinity],
    [-1.5],
    [-0],
    [0],
    [1],
    [1.5],
    [Infinity],
    [false],
    [true],
  ];
  const encoded = inKvOrder.map(encodeKey);
  const sorted = [...encoded].sort(compareBytes);
  assert.deepEqual(sorted, encoded, "byte order is KV order");
  for (const [i, key] of inKvOrder.entries()) assert.deepEqual(decodeKey(encoded[i]), key);
  // One encoding does not leak into the next (the buffer is reused).
  assert.deepEqual(decodeKey(encodeKey(["a"])), ["a"]);
});

Deno.test("plain JSON values are stored as JSON; everything else round-trips exactly in KV's format", () => {
  const plain = {
    id: "j1",
    n: 3,
    ok: true,
    none: null,
    list: [1, "two", { three: 3 }],
    text: "日本 😀 \u0000",
  };
  const stored = encodeValue(plain);
  assert.equal(stored[0], 2, "JSON tag");
  assert.deepEqual(decodeValue(stored), plain);

  const sparse = [1, , 3];
  const tagged = Object.assign([1, 2], { extra: true });
  class Point {
    constructor(readonly x: number) {}
  }
  const exact: unknown[] = [
    { missing: undefined },
    -0,
    NaN,
    { at: new Date(5) },
    new Map([["a", 1]]),
    new Uint8Array([1, 2]),
    10n,
    sparse,
    tagged,
    new Point(1),
  ];
  for (const value of exact) {
    const bytes = encodeValue(value);
    assert.equal(bytes[0], 0, `structured clone for ${Deno.inspect(value)}`);
    const back = decodeValue(bytes);
    if (typeof value === "number") assert.ok(Object.is(back, value));
    else assert.deepEqual(back, value instanceof Point ? { x: 1 } : value);
  }
  assert.ok(Object.is((decodeValue(encodeValue({ zero: -0 })) as { zero: number }).zero, -0));
  assert.equal(Object.keys(decodeValue(encodeValue({ missing: undefined })) as object).length, 1);
});

Deno.test("the value size limit is KV's: JSON over it still fits when KV's format does", () => {
  const latin1 = "é".repeat(50_000); // 100,000 bytes of UTF-8, 50,000 in KV's one-byte strings
  const stored = encodeValue({ latin1 });
  assert.equal(stored[0], 0);
  assert.deepEqual(decodeValue(stored), { latin1 });
  assert.throws(() => encodeValue({ big: "x".repeat(MAX_VALUE_BYTES + 1) }), /too large/);
  // Rows written before JSON values existed still read.
  const old = new Uint8Array([0, ...serialize({ legacy: [1, 2] })]);
  assert.deepEqual(decodeValue(old), { legacy: [1, 2] });
});
