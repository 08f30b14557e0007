/**
 * Signing and verifying webhooks between the transcription service and the business engine.
 *
 * Two signatures travel together so both old and new receivers can check a delivery:
 * - Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`), made
 *   and checked with `npm:standardwebhooks`. The secret's UTF-8 bytes are the HMAC key ("raw"
 *   format) so any configured string works, not only `whsec_` base64 secrets.
 * - The seed's `X-TTTranscribe-Signature`: hex HMAC-SHA256 of the raw body with the same secret.
 * `X-Idempotency-Key` repeats the message id so a receiver can deduplicate retries.
 */
import { Webhook } from "standardwebhooks";
import { hmacSha256, toHex } from "../hmac.ts";
import { KilnError } from "../errors.ts";
import { secretsEqual } from "../http/auth.ts";

/** Standard Webhooks' replay window: a timestamp further than this from now is refused. */
export const webhookToleranceSeconds = 5 * 60;

export interface SignedWebhook {
  /** The exact bytes to send (signatures cover this text). */
  body: string;
  headers: Record<string, string>;
}

export interface SignOptions {
  /** Stable per logical event, so retries of one event share it (receivers deduplicate on it). */
  messageId: string;
  /** Defaults to now; retries sign with a fresh timestamp. */
  timestamp?: Date;
}

function webhookFor(secret: string): Webhook {
  return new Webhook(new TextEncoder().encode(secret), { format: "raw" });
}

/** Hex HMAC-SHA256 of `body` keyed by the secret's UTF-8 bytes (the seed's X-TTTranscribe-Signature). */
export async function hexSignature(secret: string, body: string): Promise<string> {
  return toHex(await hmacSha256(secret, body));
}

/** Serialises `payload` once and returns the body with every signature header. */
export async function signWebhook(
  secret: string,
  payload: unknown,
  options: SignOptions,
): Promise<SignedWebhook> {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const timestamp = options.timestamp ?? new Date();
  const signature = webhookFor(secret).sign(options.messageId, timestamp, body);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "webhook-id": options.messageId,
      "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
      "webhook-signature": signature,
      "x-tttranscribe-signature": await hexSignature(secret, body),
      "x-idempotency-key": options.messageId,
    },
  };
}

export interface VerifiedWebhook<T = unknown> {
  /** `webhook-id`: the key to deduplicate deliveries on. */
  messageId: string;
  /** Seconds since the epoch, as signed. */
  timestamp: number;
  payload: T;
}

/**
 * Checks a delivery: the Standard Webhooks signature and a timestamp within ±5 minutes are
 * required; an `X-TTTranscribe-Signature`, when present, must match too. Throws
 * KilnError("unauthorized", "invalid_signature" | "stale_timestamp") otherwise. `now` is for tests.
 */
export async function verifyWebhook<T = unknown>(
  secret: string,
  rawBody: string,
  headers: Headers | Record<string, string>,
  options: { now?: Date } = {},
): Promise<VerifiedWebhook<T>> {
  const lower = normaliseHeaders(headers);
  const messageId = lower["webhook-id"];
  const timestampText = lower["webhook-timestamp"];
  if (!messageId || !timestampText || !lower["webhook-signature"]) {
    throw invalid("Missing webhook-id, webhook-timestamp or webhook-signature header.");
  }
  const timestamp = Number(timestampText);
  if (!Number.isInteger(timestamp)) throw invalid("webhook-timestamp is not an integer.");
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > webhookToleranceSeconds) {
    throw new KilnError("unauthorized", "stale_timestamp", "The webhook timestamp is outside ±5 minutes.");
  }
  // The library checks the timestamp against the real clock; we already checked it against `now`,
  // so it verifies the signature over a timestamp it will accept.
  const recomputed = webhookFor(secret).sign(messageId, new Date(timestamp * 1000), rawBody);
  const expected = recomputed.split(",")[1];
  let matched = false;
  for (const part of lower["webhook-signature"].split(" ")) {
    const [version, signature] = part.split(",");
    if (version === "v1" && signature && await secretsEqual(signature, expected)) matched = true;
  }
  if (!matched) throw invalid("The webhook-signature does not match.");
  const legacy = lower["x-tttranscribe-signature"];
  if (legacy && !(await secretsEqual(legacy.toLowerCase(), await hexSignature(secret, rawBody)))) {
    throw invalid("X-TTTranscribe-Signature does not match.");
  }
  let payload: T;
  try {
    payload = JSON.parse(rawBody) as T;
  } catch {
    throw new KilnError("malformed", "invalid_json", "The webhook body is not JSON.");
  }
  return { messageId, timestamp, payload };
}

function normaliseHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  return Object.fromEntries(entries.map(([name, value]) => [name.toLowerCase(), value]));
}

function invalid(message: string): KilnError {
  return new KilnError("unauthorized", "invalid_signature", message);
}
