/**
 * Capability tokens of a session. The display (read) token is an HMAC of the session id, so it
 * needs no storage and cannot be forged without the server secret; the write token is random and
 * only its SHA-256 is stored. Every comparison is constant-time.
 */
import { secretsEqual } from "../http/auth.ts";
import { randomId } from "../ids.ts";

const encoder = new TextEncoder();

function base64Url(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

export interface Signer {
  /** base64url HMAC-SHA256 of `message`. */
  sign(message: string): Promise<string>;
}

export function createSigner(secret: string): Signer {
  const key = crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    [
      "sign",
    ],
  );
  return {
    async sign(message) {
      return base64Url(await crypto.subtle.sign("HMAC", await key, encoder.encode(message)));
    },
  };
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
  return base64Url(await crypto.subtle.digest("SHA-256", encoder.encode(token)));
}
