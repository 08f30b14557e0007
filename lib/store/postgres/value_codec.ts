/**
 * Values as bytes: structured-clone serialisation (the same V8 format Deno KV stores, so anything KV
 * accepts round-trips: Dates, Uint8Arrays, Maps, nested objects) behind a one-byte tag, and
 * `Deno.KvU64` as eight big-endian bytes so the database can add, min and max them inside a commit.
 */
import { deserialize, serialize } from "node:v8";

const SERIALIZED = 0;
const U64 = 1;
/** Deno KV's own value limit; kept identical so code that fits one backend fits the other. */
export const MAX_VALUE_BYTES = 65_536;

export function encodeValue(value: unknown): Uint8Array {
  if (value instanceof Deno.KvU64) return encodeU64(value.value);
  const body = serialize(value);
  if (body.length > MAX_VALUE_BYTES) throw new TypeError(`Value too large (max ${MAX_VALUE_BYTES} bytes)`);
  const out = new Uint8Array(body.length + 1);
  out[0] = SERIALIZED;
  out.set(body, 1);
  return out;
}

export function encodeU64(value: bigint): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = U64;
  new DataView(out.buffer).setBigUint64(1, value);
  return out;
}

export function decodeValue(bytes: Uint8Array): unknown {
  if (bytes[0] === U64) {
    return new Deno.KvU64(new DataView(bytes.buffer, bytes.byteOffset + 1, 8).getBigUint64(0));
  }
  return deserialize(bytes.subarray(1));
}
