/** Every KV key of the preprocessing module. */
export const preprocessKeys = {
  batch: (batchId: string) => ["preprocess", "batch", batchId] as const,
  batches: () => ["preprocess", "batch"] as const,
  task: (batchId: string, taskId: string) => ["preprocess", "task", batchId, taskId] as const,
  tasks: (batchId: string) => ["preprocess", "task", batchId] as const,
  passthrough: (batchId: string, index: number) => ["preprocess", "passthrough", batchId, index] as const,
  passthroughs: (batchId: string) => ["preprocess", "passthrough", batchId] as const,
  /** The message's finalize context (ingest's discovery results), as JSON in chunks under 64 KiB. */
  contextChunk: (batchId: string, index: number) => ["preprocess", "context", batchId, index] as const,
  context: (batchId: string) => ["preprocess", "context", batchId] as const,
  /** Batches not yet terminal, for resuming after a restart and for external workers. */
  active: (batchId: string) => ["preprocess", "active", batchId] as const,
  actives: () => ["preprocess", "active"] as const,
};

export const preprocessTopic = (batchId: string) => `preprocess:${batchId}`;
