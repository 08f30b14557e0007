/**
 * The transcription studio's side of the service: the browser page submits without the engine's
 * shared secret, so what it may read is limited to what it started. Each studio submission is
 * marked in KV; the studio routes answer only for marked ids (anything else is a 404, like an
 * unknown id) and the transcription id itself is the capability, as for doc-to-video.
 */
import { z } from "zod";
import type { RateLimitRule } from "../http/rate_limit.ts";
import type { KvStore } from "../store/types.ts";
import { KilnError } from "../errors.ts";
import type { Accepted, TranscriptionSource } from "./service.ts";
import type { TranscriptionStatus } from "./status.ts";
/** What the studio needs of the service it fronts (the module's API). */
interface Transcriber {
  accept(request: { source: TranscriptionSource }): Promise<Accepted>;
  status(id: string): Promise<TranscriptionStatus>;
}

/** Submissions per client address (the page is public, the recogniser is not free). */
export const studioRateLimit: RateLimitRule = {
  name: "transcription_studio",
  algorithm: "fixed_window",
  limit: 10,
  windowMs: 10 * 60_000,
};

/** A transcription id as the service makes them (CSPRNG base32); anything else is refused up front. */
export const StudioId = z.string().regex(/^[a-z2-7]{1,64}$/, "a transcription id");

/** As long as the service keeps a finished transcription. */
const markerTtlMs = 48 * 60 * 60 * 1000;
const studioKey = (id: string) => ["tttranscribe", "studio", id];

export async function submitFromStudio(
  kv: KvStore,
  transcriber: Transcriber,
  source: TranscriptionSource,
): Promise<Accepted> {
  const accepted = await transcriber.accept({ source });
  await kv.set(studioKey(accepted.id), { createdAt: Date.now() }, { expireIn: markerTtlMs });
  return accepted;
}

/** The status of a transcription the studio started (404 for any other id). */
export async function studioTranscription(
  kv: KvStore,
  transcriber: Transcriber,
  id: string,
): Promise<TranscriptionStatus> {
  const marker = await kv.get(studioKey(id));
  if (!marker.value) {
    throw new KilnError("not_found", "transcription_not_found", "No transcription with this id.");
  }
  return await transcriber.status(id);
}
