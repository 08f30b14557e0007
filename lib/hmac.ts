/**
 * HMAC-SHA256, SHA-256 and the two text encodings Kiln sends signatures in. One implementation for
 * every signer (webhooks, callback signatures, capability tokens), so key handling cannot drift
 * apart. The hashes run synchronously in node:crypto: WebCrypto's digest hops to a worker thread
 * per call (~19 µs against ~2 µs), and the write path hashes tokens on every request. The async
 * signatures stay, so callers need not change if a hash ever has to leave the thread again.
 */
import { createHash, createHmac } from "node:crypto";

/** A signer for one secret. */
export function hmacSigner(secret: string): (message: string) => Promise<Uint8Array> {
  return (message) => Promise.resolve(new Uint8Array(createHmac("sha256", secret).update(message).digest()));
}

export function hmacSha256(secret: string, message: string): Promise<Uint8Array> {
  return hmacSigner(secret)(message);
}

export function toHex(bytes: Uint8Array): string {
  return bytes.toHex(); // native: the PostgreSQL store hex-encodes every key it commits or reads
}

/** Standard base64 (chunked, so large buffers such as audio frames do not overflow the call stack). */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let offset = 0; offset < bytes.length; offset += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000));
  }
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** SHA-256 of UTF-8 text or of bytes (a token's stored digest, a key too long for KV). */
export function sha256(data: string | Uint8Array<ArrayBuffer> | ArrayBuffer): Promise<Uint8Array> {
  const input = data instanceof ArrayBuffer ? new Uint8Array(data) : data;
  return Promise.resolve(new Uint8Array(createHash("sha256").update(input).digest()));
}

/** SHA-256 as lowercase hex: the one fingerprint of content (request bodies, files, cache keys). */
export async function sha256Hex(data: string | Uint8Array<ArrayBuffer> | ArrayBuffer): Promise<string> {
  return toHex(await sha256(data));
}
