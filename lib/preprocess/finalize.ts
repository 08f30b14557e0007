/**
 * Finalize: tell the ingest service which files a finished batch produced, in Arke's
 * `enqueue-processed` shape: the whole file list (ingest replaces its list with it), each file with
 * its `logical_path` and `processing_config`, plus the discovery context the message carried. As
 * Arke's orchestrator does, a converted TIFF stays in the list (tagged `TiffConverter:source`) next
 * to its JPEG (tagged `TiffConverter`, `source_file`), and a TIFF that failed stays as it was.
 * Sizes are what the blob store holds, never what a worker claimed. The POST is signed like
 * callbacks and carries an `Idempotency-Key` (the batch id), and the calling job retries with
 * backoff until a 2xx; the job itself is enqueued once per batch (idempotency key), so ingest is
 * told exactly once in effect.
 */
import type { KvStore } from "../store/types.ts";
import { contentTypeOf } from "../blobs/types.ts";
import { KilnError } from "../errors.ts";
import { listPassthrough, listTasks } from "./batches.ts";
import { firstPhase, phases } from "./phases.ts";
import { signatureHeader, signBody } from "./signing.ts";
import type { BatchFile, OutputFile, TaskRecord } from "./types.ts";

export type ProcessedFile = BatchFile & {
  content_type: string;
  logical_path: string;
  /** The file it was made from (absent for files of the message). */
  source_file?: string;
  source_r2_key?: string;
  preprocessor_tags?: string[];
  page?: number;
  page_count?: number;
};

/** `/images/scan.tif` + `scan-p2.jpg` → `/images/scan-p2.jpg`. */
function siblingPath(logicalPath: string | undefined, fileName: string): string {
  const directory = logicalPath ? logicalPath.slice(0, logicalPath.lastIndexOf("/")) : "";
  return `${directory}/${fileName}`;
}

function asListed(file: BatchFile): ProcessedFile {
  return {
    ...file,
    content_type: file.content_type ?? contentTypeOf(file.r2_key),
    logical_path: file.logical_path ?? `/${file.file_name}`,
  };
}

function outputFile(task: TaskRecord, output: OutputFile, pageCount: number): ProcessedFile {
  const { input } = task;
  return {
    r2_key: output.key,
    logical_path: siblingPath(input.logical_path, output.file_name),
    file_name: output.file_name,
    file_size: output.size,
    content_type: contentTypeOf(output.key),
    ...(input.processing_config ? { processing_config: input.processing_config } : {}),
    source_file: input.file_name,
    source_r2_key: input.r2_key,
    preprocessor_tags: [phases.get(task.phase)?.tag ?? task.phase],
    page: output.page,
    page_count: pageCount,
  };
}

export async function processedFiles(kv: KvStore, batchId: string): Promise<{
  files: ProcessedFile[];
  failed: { r2_key: string; error: string }[];
}> {
  const files: ProcessedFile[] = [];
  const failed: { r2_key: string; error: string }[] = [];
  for (const task of await listTasks(kv, batchId)) {
    // Inputs of later phases are outputs of earlier ones, already listed.
    const fromMessage = task.phase === firstPhase;
    if (task.status !== "completed") {
      failed.push({ r2_key: task.input.r2_key, error: task.error ?? task.status });
      if (fromMessage) files.push(asListed(task.input));
      continue;
    }
    if (fromMessage) {
      const tag = `${phases.get(task.phase)?.tag ?? task.phase}:source`;
      const source = asListed(task.input);
      files.push({ ...source, preprocessor_tags: [...(source.preprocessor_tags ?? []), tag] });
    }
    const outputs = task.outputs ?? [];
    for (const output of outputs) files.push(outputFile(task, output, outputs.length));
  }
  for (const file of await listPassthrough(kv, batchId) as BatchFile[]) files.push(asListed(file));
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
