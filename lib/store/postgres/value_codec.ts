/**
 * Values as bytes behind a one-byte tag:
 * - plain JSON data (objects, arrays, strings, finite numbers, booleans, null — most records) as
 *   UTF-8 JSON: encoding and decoding stay native, where `node:v8`'s serialiser walks the value in
 *   JavaScript (a tenth of a job worker's CPU went to it);
 * - anything else KV accepts (Dates, Uint8Arrays, Maps, bigints, undefined, -0, NaN…) in the
 *   structured-clone format Deno KV itself stores, so every value round-trips exactly;
 * - `Deno.KvU64` as eight big-endian bytes so the database can add, min and max them in a commit.
 * Rows written with either tag are read back by every version that knows both.
 */
import { deserialize, serialize } from "node:v8";

const SERIALIZED = 0;
const U64 = 1;
const JSON_TEXT = 2;
/** Deno KV's own value limit; kept identical so code that fits one backend fits the other. */
export const MAX_VALUE_BYTES = 65_536;
/** Deeper values take the structured-clone path (its own recursion, and KV's depth rules). */
const maxJsonDepth = 64;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeValue(value: unknown): Uint8Array {
  if (value instanceof Deno.KvU64) return encodeU64(value.value);
  if (isPlainJson(value, 0)) {
    const json = encoder.encode(JSON.stringify(value));
    // Over the limit as JSON may still fit in KV's own format: that format decides, as on KV.
    if (json.length <= MAX_VALUE_BYTES) return tagged(JSON_TEXT, json);
  }
  const body = serialize(value);
  if (body.length > MAX_VALUE_BYTES) throw new TypeError(`Value too large (max ${MAX_VALUE_BYTES} bytes)`);
  return tagged(SERIALIZED, body);
}

export function encodeU64(value: bigint): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = U64;
  new DataView(out.buffer).setBigUint64(1, value);
  return out;
}

export function decodeValue(bytes: Uint8Array): unknown {
  if (bytes[0] === JSON_TEXT) return JSON.parse(decoder.decode(bytes.subarray(1)));
  if (bytes[0] === U64) {
    return new Deno.KvU64(new DataView(bytes.buffer, bytes.byteOffset + 1, 8).getBigUint64(0));
  }
  return deserialize(bytes.subarray(1));
}

function tagged(tag: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = tag;
  out.set(body, 1);
  return out;
}

/**
 * True when JSON carries `value` exactly: what `JSON.parse(JSON.stringify(value))` gives back is
 * what structured clone would. Anything JSON drops or changes (undefined members, -0, NaN, Dates,
 * class instances, sparse arrays or arrays with extra properties, toJSON) is refused.
 */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object": {
      if (value === null) return true;
      if (depth >= maxJsonDepth) return false;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        if (Object.keys(value).length !== value.length) return false; // holes or extra properties
        for (const item of value) if (!isPlainJson(item, depth + 1)) return false;
        return true;
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return false;
      for (const name in value) {
        if (!isPlainJson((value as Record<string, unknown>)[name], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
