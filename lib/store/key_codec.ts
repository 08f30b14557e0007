/**
 * Deno KV keys as order-preserving bytes, so a PostgreSQL `bytea` primary key sorts exactly like KV
 * keys and prefix/range lists become index range scans (and one key has one encoding, which the KV
 * group commit uses to tell overlapping commits apart). The layout follows the FoundationDB tuple
 * encoding Deno KV itself uses: a type tag per part (bytes < string < bigint < number < boolean, the
 * KV order), strings and bytes NUL-terminated with NUL escaped as 00 FF, numbers as sign-flipped
 * big-endian doubles.
 */

const BYTES = 0x01;
const STRING = 0x02;
const BIGINT = 0x14;
const NUMBER = 0x21;
const FALSE = 0x26;
const TRUE = 0x27;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const int64Offset = 1n << 63n;

/**
 * Keys are written into one reused buffer (encoding is synchronous), ASCII strings byte by byte:
 * the store encodes every key it reads or commits, and per-part arrays and TextEncoder calls were a
 * tenth of a job worker's CPU.
 */
let scratch = new Uint8Array(256);
let length = 0;

export function encodeKey(key: Deno.KvKey): Uint8Array {
  length = 0;
  for (const part of key) {
    if (typeof part === "string") {
      push(STRING);
      pushString(part);
    } else if (typeof part === "number") {
      push(NUMBER);
      numberView.setFloat64(0, part);
      if (numberBytes[0] & 0x80) { for (let i = 0; i < 8; i++) numberBytes[i] ^= 0xff; }
      else numberBytes[0] ^= 0x80;
      pushBytes(numberBytes);
    } else if (part instanceof Uint8Array) {
      push(BYTES);
      pushEscaped(part);
    } else if (typeof part === "bigint") {
      if (part < -int64Offset || part >= int64Offset) {
        throw new RangeError("bigint key parts must fit in 64 bits");
      }
      push(BIGINT);
      numberView.setBigUint64(0, part + int64Offset);
      pushBytes(numberBytes);
    } else if (typeof part === "boolean") {
      push(part ? TRUE : FALSE);
    } else {
      throw new TypeError(`invalid key part: ${typeof part}`);
    }
  }
  return scratch.slice(0, length);
}

const numberBytes = new Uint8Array(8);
const numberView = new DataView(numberBytes.buffer);

function reserve(extra: number): void {
  if (length + extra <= scratch.length) return;
  const grown = new Uint8Array(Math.max(scratch.length * 2, length + extra));
  grown.set(scratch.subarray(0, length));
  scratch = grown;
}

function push(byte: number): void {
  reserve(1);
  scratch[length++] = byte;
}

function pushBytes(bytes: Uint8Array): void {
  reserve(bytes.length);
  scratch.set(bytes, length);
  length += bytes.length;
}

/** A string part, NUL-escaped and terminated; ASCII without TextEncoder. */
function pushString(text: string): void {
  reserve(text.length * 2 + 1);
  const start = length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) {
      length = start;
      return pushEscaped(encoder.encode(text));
    }
    scratch[length++] = code;
    if (code === 0) scratch[length++] = 0xff;
  }
  scratch[length++] = 0;
}

function pushEscaped(bytes: Uint8Array): void {
  reserve(bytes.length * 2 + 1);
  for (const byte of bytes) {
    scratch[length++] = byte;
    if (byte === 0) scratch[length++] = 0xff;
  }
  scratch[length++] = 0;
}

export function decodeKey(bytes: Uint8Array): Deno.KvKey {
  const key: Deno.KvKeyPart[] = [];
  let i = 0;
  const readEscaped = (): Uint8Array => {
    const out: number[] = [];
    while (i < bytes.length) {
      const byte = bytes[i++];
      if (byte !== 0) out.push(byte);
      else if (bytes[i] === 0xff) {
        out.push(0);
        i++;
      } else return new Uint8Array(out);
    }
    throw new TypeError("truncated key");
  };
  while (i < bytes.length) {
    const tag = bytes[i++];
    if (tag === BYTES) key.push(readEscaped());
    else if (tag === STRING) key.push(decoder.decode(readEscaped()));
    else if (tag === BIGINT) {
      key.push(new DataView(bytes.buffer, bytes.byteOffset + i, 8).getBigUint64(0) - int64Offset);
      i += 8;
    } else if (tag === NUMBER) {
      const part = new Uint8Array(bytes.subarray(i, i + 8)); // a copy: pg hands out pooled Buffers
      if (part[0] & 0x80) part[0] ^= 0x80;
      else for (let j = 0; j < 8; j++) part[j] ^= 0xff;
      key.push(new DataView(part.buffer).getFloat64(0));
      i += 8;
    } else if (tag === FALSE || tag === TRUE) key.push(tag === TRUE);
    else throw new TypeError(`invalid key tag ${tag}`);
  }
  return key;
}

/** Bounds of `list({ prefix })`: every key under the prefix, excluding the prefix itself. */
export function prefixRange(prefix: Deno.KvKey): { start: Uint8Array; end: Uint8Array } {
  const encoded = encodeKey(prefix);
  return { start: concat(encoded, 0x00), end: concat(encoded, 0xff) };
}

function concat(bytes: Uint8Array, last: number): Uint8Array {
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = last;
  return out;
}
