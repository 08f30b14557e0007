/** Wires the transcription service into the app: secrets, ASR provider, job kinds, auth, health. */
import type { Services } from "../services.ts";
import { selectAsrProvider } from "../providers/asr/select.ts";
import { engineAuthKind, engineAuthResolver } from "./auth.ts";
import { defineWebhookJob } from "./delivery.ts";
import { countTranscriptions, transcriptionHealthCheck } from "./health.ts";
import { cacheStats } from "./cache.ts";
import { defineTranscribeJob } from "./job.ts";
import { createTranscriptionService, type TranscriptionService } from "./api.ts";
import { loadTranscriptionSettings } from "./settings.ts";

export async function setupTranscription(services: Services): Promise<TranscriptionService> {
  const { config, kv, jobs, blobs, log, secrets } = services;
  const settings = await loadTranscriptionSettings(config, secrets);
  const asr = selectAsrProvider(settings.asr);
  const dependencies = { kv, jobs, blobs, log, asr, settings, send: services.selfFetch };
  defineTranscribeJob(dependencies);
  defineWebhookJob(dependencies);
  services.auth[engineAuthKind] = engineAuthResolver(settings.sharedSecret);
  services.securitySchemes[engineAuthKind] = {
    type: "apiKey",
    in: "header",
    name: "X-Engine-Auth",
    description: "TTT_SHARED_SECRET, shared with the business engine",
    "x-kiln-secret": "TTT_SHARED_SECRET",
  };
  services.health.register("tttranscribe", () => transcriptionHealthCheck(asr));
  services.metrics.collect(
    "kiln_transcription_jobs",
    "Transcriptions by state (accepted, in_progress, completed, failed), counted since the KV was created.",
    ["state"],
    async () => {
      const counts = await countTranscriptions(kv);
      return [
        { labels: { state: "accepted" }, value: counts.accepted },
        { labels: { state: "in_progress" }, value: counts.inProgress },
        { labels: { state: "completed" }, value: counts.completed },
        { labels: { state: "failed" }, value: counts.failed },
      ];
    },
  );
  services.metrics.collect("kiln_transcription_cache_lookups", "Transcription cache lookups by outcome.", [
    "outcome",
  ], async () => {
    const stats = await cacheStats(kv);
    return [{ labels: { outcome: "hit" }, value: stats.hits }, {
      labels: { outcome: "miss" },
      value: stats.misses,
    }];
  });
  return createTranscriptionService(dependencies);
}
