/** Shapes of the preprocessing module: the seed's queue message, callbacks, and stored records. */
import { z } from "zod";

export const maxFilesPerBatch = 1000;
/** Largest file `PUT /preprocess/blobs/…` accepts. */
export const maxBlobUploadBytes = 512 * 1024 * 1024;

export const BatchId = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, "letters, digits, _ . - (≤ 100)");

/**
 * A file as Arke's ingest worker describes it. Fields Kiln does not use (`source_file`,
 * `preprocessor_tags` …) are kept: pass-through files go back to ingest exactly as they came.
 */
export const BatchFile = z.object({
  r2_key: z.string().min(1).max(1024),
  file_name: z.string().min(1).max(255),
  file_size: z.number().int().min(0),
  content_type: z.string().max(200).optional(),
  /** Path inside the upload ("/images/photo1.tiff"); ingest rebuilds directories from it. */
  logical_path: z.string().min(1).max(1024).optional(),
  cid: z.string().max(200).optional(),
  /** Ingest's per-directory settings (ocr, describe, pinax …), handed back with every file. */
  processing_config: z.record(z.string(), z.unknown()).optional(),
}).loose();
export type BatchFile = z.infer<typeof BatchFile>;

/** What ingest's later stages need back at finalize (Initial Discovery results), passed through. */
export const FinalizeContext = z.object({
  root_pi: z.string().max(200).optional(),
  node_pis: z.record(z.string(), z.string().max(200)).optional(),
  node_tips: z.record(z.string(), z.string().max(200)).optional(),
  node_versions: z.record(z.string(), z.number()).optional(),
});
export type FinalizeContext = z.infer<typeof FinalizeContext>;

/** A queue message of any form, resolved (`message.ts`): its batch id, every file, and the context. */
export interface BatchMessage {
  batch_id: string;
  files: BatchFile[];
  context: FinalizeContext;
}

export const CallbackBody = z.discriminatedUnion("status", [
  z.object({
    task_id: z.string().min(1),
    batch_id: BatchId,
    status: z.literal("success"),
    output_r2_key: z.string().min(1).max(1024),
    output_file_name: z.string().min(1).max(255),
    output_file_size: z.number().int().min(0),
    /** Kiln extension: all pages of a multi-page TIFF (the seed's fields describe page 1). */
    outputs: z.array(z.object({
      key: z.string().min(1).max(1024),
      file_name: z.string().min(1).max(255),
      size: z.number().int().min(0),
      page: z.number().int().min(1),
    })).max(1000).optional(),
    performance: z.record(z.string(), z.number()).optional(),
  }),
  z.object({
    task_id: z.string().min(1),
    batch_id: BatchId,
    status: z.literal("error"),
    error: z.string().max(2000),
  }),
]);
export type CallbackBody = z.infer<typeof CallbackBody>;

export interface OutputFile {
  key: string;
  file_name: string;
  size: number;
  page: number;
  width?: number;
  height?: number;
}

export interface TaskRecord {
  id: string;
  batchId: string;
  phase: string;
  input: BatchFile;
  status: "pending" | "running" | "completed" | "failed";
  attempts: number;
  /** Who holds the task now: "local:<jobId>" or "external:<leaseId>", until `until` (epoch ms). */
  lease?: { owner: string; until: number };
  /** Earliest time an external worker may lease it again (backoff after an error). */
  notBefore?: number;
  error?: string;
  outputs?: OutputFile[];
  updatedAt: number;
}

export interface BatchRecord {
  batch_id: string;
  /** A phase name (e.g. TIFF_CONVERSION) or DONE / ERROR. */
  status: string;
  /** SHA-256 of the message's files, so a re-post with other files is refused. */
  fingerprint: string;
  /** Tasks and pass-through records are all written. */
  ready: boolean;
  tasks_total: number;
  tasks_completed: number;
  tasks_failed: number;
  passthrough_count: number;
  started_at: string;
  updated_at: string;
  completed_at: string | null;
  error: string | null;
  finalize: "not_needed" | "pending" | "acknowledged";
}

/** `GET /preprocess/status/:batchId`, exactly the seed's response. */
export interface BatchStatusView {
  batch_id: string;
  status: string;
  progress: { tasks_total: number; tasks_completed: number; tasks_failed: number };
  started_at: string;
  updated_at: string;
  completed_at: string | null;
  error: string | null;
}

export function statusView(batch: BatchRecord): BatchStatusView {
  return {
    batch_id: batch.batch_id,
    status: batch.status,
    progress: {
      tasks_total: batch.tasks_total,
      tasks_completed: batch.tasks_completed,
      tasks_failed: batch.tasks_failed,
    },
    started_at: batch.started_at,
    updated_at: batch.updated_at,
    completed_at: batch.completed_at,
    error: batch.error,
  };
}

export interface TaskView {
  task_id: string;
  input_r2_key: string;
  file_name: string;
  status: TaskRecord["status"];
  attempts: number;
  error: string | null;
  outputs: OutputFile[];
}

export function taskView(task: TaskRecord): TaskView {
  return {
    task_id: task.id,
    input_r2_key: task.input.r2_key,
    file_name: task.input.file_name,
    status: task.status,
    attempts: task.attempts,
    error: task.error ?? null,
    outputs: task.outputs ?? [],
  };
}
