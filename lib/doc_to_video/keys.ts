/** Every KV key and blob key doc-to-video uses. */
export const docToVideoKeys = {
  /** Per-job facts the status route shows before the job ends (script, cost, artifact keys). */
  job: (jobId: string) => ["doc_to_video", "job", jobId] as const,
  /** Script cache: PDF hash + options. */
  scriptCache: (pdfHash: string, optionsHash: string) =>
    ["doc_to_video", "script_cache", pdfHash, optionsHash] as const,
  /** D-ID render id → job id, for routing webhooks. */
  providerJob: (providerId: string) => ["doc_to_video", "provider_job", providerId] as const,
  /** The latest provider state a webhook delivered for a job. */
  providerState: (jobId: string) => ["doc_to_video", "provider_state", jobId] as const,
  /** Webhook deliveries already applied (provider id + status): replays are no-ops. */
  webhookSeen: (providerId: string, status: string) =>
    ["doc_to_video", "webhook_seen", providerId, status] as const,
  /** Work folders whose blobs the cleanup sweep deletes after `expiresAt`. */
  cleanup: (workId: string) => ["doc_to_video", "cleanup", workId] as const,
  cleanupPrefix: ["doc_to_video", "cleanup"] as const,
};

export const blobKeys = {
  prefix: (workId: string) => `doc-to-video/${workId}/`,
  document: (workId: string) => `doc-to-video/${workId}/document.pdf`,
  text: (workId: string) => `doc-to-video/${workId}/text.txt`,
  video: (workId: string) => `doc-to-video/${workId}/video.mp4`,
  captions: (workId: string) => `doc-to-video/${workId}/captions.vtt`,
  script: (workId: string) => `doc-to-video/${workId}/script.txt`,
  /** The page layout (lines, figures, outline) the video's page visuals are built from. */
  layout: (workId: string) => `doc-to-video/${workId}/layout.json`,
  poster: (workId: string) => `doc-to-video/${workId}/poster.jpg`,
  chapters: (workId: string) => `doc-to-video/${workId}/chapters.vtt`,
};
