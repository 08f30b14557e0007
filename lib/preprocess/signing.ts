/**
 * HMAC-SHA256 signatures for callbacks and the finalize call: header
 * `X-Kiln-Signature: t=<unix seconds>,v1=<hex HMAC of "<t>.<body>">`. The timestamp bounds replays;
 * comparison is constant-time. Batch view tokens are HMACs of the batch id with the same key.
 */
import { secretsEqual } from "../http/auth.ts";

export const signatureHeader = "x-kiln-signature";
const toleranceSeconds = 300;

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message));
  return Array.from(new Uint8Array(mac), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export async function signBody(secret: string, body: string, now = Date.now()): Promise<string> {
  const timestamp = Math.floor(now / 1000);
  return `t=${timestamp},v1=${await hmacHex(secret, `${timestamp}.${body}`)}`;
}

export async function verifySignature(
  secret: string,
  body: string,
  header: string | null,
  now = Date.now(),
): Promise<boolean> {
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header?.trim() ?? "");
  if (!match) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false;
  return await secretsEqual(match[2], await hmacHex(secret, `${timestamp}.${body}`));
}

/** A read token for one batch's status, live stream, page and thumbnails. */
export async function batchViewToken(secret: string, batchId: string): Promise<string> {
  return (await hmacHex(secret, `view:${batchId}`)).slice(0, 40);
}
