/** Every KV key of the transcription service. */
export const transcriptionKeys = {
  transcription: (id: string) => ["tttranscribe", "transcriptions", id],
  /** requestId → transcription id, so a retried POST with the same requestId never starts a second one. */
  request: (requestId: string) => ["tttranscribe", "requests", requestId],
  deliveries: (id: string) => ["tttranscribe", "deliveries", id],
  /** Cached results by SHA-256 of the normalised media URL; expire after 48 h. */
  cache: (urlHash: string) => ["tttranscribe", "cache", urlHash],
  /** Counters (KvU64 sums) of accepted / completed / failed transcriptions, for /health. */
  counter: (name: "accepted" | "completed" | "failed") => ["tttranscribe", "stats", name],
  cacheHits: () => ["tttranscribe", "stats", "cache_hits"],
  cacheMisses: () => ["tttranscribe", "stats", "cache_misses"],
};
