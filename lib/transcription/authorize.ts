/**
 * Asking the caller to pay for what was measured, before the recogniser spends a second on it.
 * When a request was sent with `authorizeDuration` (Kiln's engine does; the seed's engine does not),
 * the job signs a `transcription.measured` message — Standard Webhooks, the webhook secret, the
 * webhook URL — with the duration ffmpeg decoded, and waits for the answer: 2xx goes on, 402 stops
 * the job for good (`insufficient_credits`), another 4xx stops it as refused, anything else is
 * retried with the job.
 */
import { KilnError } from "../errors.ts";
import { PermanentJobError } from "../jobs/types.ts";
import { signWebhook } from "../webhooks/standard.ts";
import type { TranscriptionSettings } from "./settings.ts";

const answerTimeoutMs = 15_000;

export async function authorizeMeasuredDuration(
  dependencies: {
    settings: TranscriptionSettings;
    send: (input: string, init: RequestInit) => Promise<Response>;
  },
  message: { id: string; requestId: string; durationSeconds: number; attempt: number },
  signal: AbortSignal,
): Promise<void> {
  const { settings, send } = dependencies;
  const signed = await signWebhook(settings.webhookSecret, {
    type: "transcription.measured",
    id: message.id,
    requestId: message.requestId,
    durationSeconds: message.durationSeconds,
    timestamp: new Date().toISOString(),
  }, { messageId: `msg_${message.id}_measured_${message.attempt}` });
  let response: Response;
  try {
    response = await send(settings.webhookUrl, {
      method: "POST",
      headers: signed.headers,
      body: signed.body,
      signal: AbortSignal.any([signal, AbortSignal.timeout(answerTimeoutMs)]),
    });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new KilnError(
      "upstream",
      "authorization_unavailable",
      "The caller did not answer the duration check.",
    );
  }
  const answer = await response.json().catch(() => ({})) as { detail?: unknown; message?: unknown };
  if (response.ok) return;
  const reason = typeof answer.detail === "string"
    ? answer.detail
    : typeof answer.message === "string"
    ? answer.message
    : `HTTP ${response.status}`;
  if (response.status === 402) throw new PermanentJobError(reason, "insufficient_credits");
  if (response.status >= 400 && response.status < 500 && ![408, 429].includes(response.status)) {
    throw new PermanentJobError(
      `The caller refused the measured duration: ${reason}`,
      "authorization_refused",
    );
  }
  throw new KilnError(
    "upstream",
    "authorization_unavailable",
    `The duration check answered ${response.status}.`,
  );
}
