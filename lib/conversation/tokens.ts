/**
 * Capability tokens of a session. The display (read) token is an HMAC of the session id, so it
 * needs no storage and cannot be forged without the server secret; the write token is random and
 * only its SHA-256 is stored. Every comparison is constant-time.
 */
import { secretsEqual } from "../http/auth.ts";
import { hmacSigner, sha256, toBase64Url } from "../hmac.ts";
import { randomId } from "../ids.ts";

export interface Signer {
  /** base64url HMAC-SHA256 of `message`. */
  sign(message: string): Promise<string>;
}

export function createSigner(secret: string): Signer {
  const sign = hmacSigner(secret);
  return { sign: async (message) => toBase64Url(await sign(message)) };
}

export function displayToken(signer: Signer, sessionId: string): Promise<string> {
  return signer.sign(`conversation-display:${sessionId}`);
}

export async function isDisplayToken(signer: Signer, sessionId: string, presented: string): Promise<boolean> {
  return secretsEqual(presented, await displayToken(signer, sessionId));
}

export function newWriteToken(): string {
  return `cw_${randomId(32)}`;
}

export async function hashToken(token: string): Promise<string> {
  return toBase64Url(await sha256(token));
}
