/**
 * Finalize: tell the ingest service which files a finished batch produced. The POST is signed
 * like callbacks and carries an `Idempotency-Key` (the batch id), and the calling job retries with
 * backoff until a 2xx; the job itself is enqueued once per batch (idempotency key), so ingest is
 * told exactly once in effect.
 */
import type { KvStore } from "../store/types.ts";
import { KilnError } from "../errors.ts";
import { listPassthrough, listTasks } from "./batches.ts";
import { signatureHeader, signBody } from "./signing.ts";

export interface ProcessedFile {
  r2_key: string;
  file_name: string;
  file_size: number;
  content_type: string;
  /** The TIFF it came from and its page (absent for pass-through files). */
  source_r2_key?: string;
  page?: number;
  page_count?: number;
}

export async function processedFiles(kv: KvStore, batchId: string): Promise<{
  files: ProcessedFile[];
  failed: { r2_key: string; error: string }[];
}> {
  const files: ProcessedFile[] = [];
  const failed: { r2_key: string; error: string }[] = [];
  for (const task of await listTasks(kv, batchId)) {
    if (task.status !== "completed") {
      failed.push({ r2_key: task.input.r2_key, error: task.error ?? task.status });
      continue;
    }
    const outputs = task.outputs ?? [];
    for (const output of outputs) {
      files.push({
        r2_key: output.key,
        file_name: output.file_name,
        file_size: output.size,
        content_type: "image/jpeg",
        source_r2_key: task.input.r2_key,
        page: output.page,
        page_count: outputs.length,
      });
    }
  }
  for (const file of await listPassthrough(kv, batchId) as ProcessedFile[]) files.push(file);
  return { files, failed };
}

export async function postFinalize(
  workerUrl: string,
  secret: string,
  batchId: string,
  payload: unknown,
  signal?: AbortSignal,
): Promise<void> {
  const body = JSON.stringify(payload);
  const url = `${workerUrl.replace(/\/$/, "")}/api/batches/${encodeURIComponent(batchId)}/enqueue-processed`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "idempotency-key": `preprocess-finalize-${batchId}`,
        [signatureHeader]: await signBody(secret, body),
      },
      body,
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(30_000)]) : AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new KilnError("upstream", "finalize_unreachable", `Ingest service unreachable: ${String(error)}`);
  }
  await response.body?.cancel();
  if (!response.ok) {
    throw new KilnError("upstream", "finalize_rejected", `Ingest answered ${response.status} to finalize.`);
  }
}
