/**
 * One POST to a hosted speech-to-text API, shared by the Hugging Face and OpenAI-compatible
 * adapters: bounded by a 10-minute timeout as well as the job's signal, and a connection failure
 * becomes the "upstream" error `asr_unreachable` (retried by the job), while the job's own abort
 * passes through unchanged.
 */
import { KilnError } from "../../errors.ts";

const requestTimeoutMs = 10 * 60_000;

export function postToAsr(
  endpoint: string,
  init: { headers: HeadersInit; body: BodyInit },
  signal: AbortSignal,
  service: string,
): Promise<Response> {
  return fetch(endpoint, {
    method: "POST",
    ...init,
    signal: AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)]),
  }).catch((error) => {
    if (signal.aborted) throw error;
    throw new KilnError("upstream", "asr_unreachable", `${service} could not be reached: ${String(error)}`);
  });
}
