/**
 * HMAC-SHA256 signatures for callbacks and the finalize call: header
 * `X-Kiln-Signature: t=<unix seconds>,v1=<hex HMAC of "<t>.<body>">`. The timestamp bounds replays;
 * comparison is constant-time. Batch view tokens are HMACs of the batch id with the same key.
 */
import { hmacSha256, toHex } from "../hmac.ts";
import { secretsEqual } from "../http/auth.ts";

export const signatureHeader = "x-kiln-signature";
const toleranceSeconds = 300;

async function hmacHex(secret: string, message: string): Promise<string> {
  return toHex(await hmacSha256(secret, message));
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
