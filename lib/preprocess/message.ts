/**
 * Arke's preprocessing queue messages, every form its ingest worker has sent, resolved to one
 * list of files:
 * - flat `{batch_id, files: [...]}` (QUEUE_MESSAGE_SPEC, and SPEC §2.5);
 * - `{batch_id, directories: [{directory_path, processing_config, files}]}` (the orchestrator's
 *   `QueueMessage`): each file takes its directory's processing_config;
 * - `{batch_id, manifest_r2_key, root_pi, node_pis, …}` (the current `PreprocessorQueueMessage`):
 *   the same directories live in a JSON manifest in the blob store, read here.
 * Files without a `logical_path` get one (under their directory, or their key below `r2_prefix`),
 * because ingest rebuilds the directory tree from it at finalize.
 */
import { z } from "zod";
import type { BlobStore } from "../blobs/types.ts";
import { validateBlobKey } from "../blobs/types.ts";
import { KilnError } from "../errors.ts";
import { validate } from "../http/body.ts";
import { BatchFile, BatchId, type BatchMessage, FinalizeContext, maxFilesPerBatch } from "./types.ts";

const maxManifestBytes = 8 * 1024 * 1024;

const Directory = z.object({
  directory_path: z.string().max(1024),
  processing_config: z.record(z.string(), z.unknown()).optional(),
  files: z.array(BatchFile).max(maxFilesPerBatch),
}).loose();
type Directory = z.infer<typeof Directory>;

const forms = ["files", "directories", "manifest_r2_key"] as const;

/** The body of `POST /preprocess/batches` (and the seed's `/test`): one of the three forms. */
export const QueueMessage = z.object({
  batch_id: BatchId,
  files: z.array(BatchFile).max(maxFilesPerBatch).optional(),
  directories: z.array(Directory).max(maxFilesPerBatch).optional(),
  manifest_r2_key: z.string().min(1).max(1024).optional(),
  r2_prefix: z.string().max(1024).optional(),
  ...FinalizeContext.shape,
}).loose().refine((message) => forms.filter((form) => message[form] !== undefined).length === 1, {
  message: "send exactly one of files, directories or manifest_r2_key",
});
export type QueueMessage = z.infer<typeof QueueMessage>;

/** Arke's `BatchManifest` (`staging/<batch>/_manifest.json`). */
const Manifest = z.object({
  batch_id: z.string().optional(),
  directories: z.array(Directory).max(maxFilesPerBatch),
}).loose();

export async function resolveMessage(message: QueueMessage, blobs: BlobStore): Promise<BatchMessage> {
  const directories = message.manifest_r2_key !== undefined
    ? await readManifest(blobs, message.manifest_r2_key, message.batch_id)
    : message.directories;
  const files = directories
    ? directories.flatMap(directoryFiles)
    : message.files!.map((file) => withLogicalPath(file, pathBelowPrefix(file, message.r2_prefix)));
  if (files.length === 0) {
    throw new KilnError("invalid", "batch_empty", `Batch ${message.batch_id} has no files.`);
  }
  if (files.length > maxFilesPerBatch) {
    throw new KilnError(
      "invalid",
      "batch_too_large",
      `A batch holds at most ${maxFilesPerBatch} files; this one has ${files.length}.`,
    );
  }
  const { root_pi, node_pis, node_tips, node_versions } = message;
  return { batch_id: message.batch_id, files, context: { root_pi, node_pis, node_tips, node_versions } };
}

function directoryFiles(directory: Directory) {
  const base = directory.directory_path.replace(/\/+$/, "");
  return directory.files.map((file) =>
    withLogicalPath(
      { ...file, processing_config: file.processing_config ?? directory.processing_config },
      `${base}/${file.file_name}`,
    )
  );
}

function withLogicalPath(file: BatchFile, fallback: string): BatchFile {
  return file.logical_path
    ? file
    : { ...file, logical_path: fallback.startsWith("/") ? fallback : `/${fallback}` };
}

/** `staging/b1/images/a.tif` below `staging/b1/` → `/images/a.tif`; else `/<file_name>`. */
function pathBelowPrefix(file: BatchFile, prefix: string | undefined): string {
  return prefix && file.r2_key.startsWith(prefix) && file.r2_key.length > prefix.length
    ? `/${file.r2_key.slice(prefix.length).replace(/^\/+/, "")}`
    : `/${file.file_name}`;
}

/** Reads and checks the manifest; every failure is a 422 that names the key. */
async function readManifest(blobs: BlobStore, key: string, batchId: string): Promise<Directory[]> {
  const problem = (code: string, message: string, details?: Record<string, unknown>) =>
    new KilnError("invalid", code, message, { details: { manifest_r2_key: key, ...details } });
  validateBlobKey(key);
  const blob = await blobs.get(key);
  if (!blob) throw problem("manifest_not_found", `No manifest at ${key} in the blob store.`);
  if (blob.info.size > maxManifestBytes) {
    await blob.body.cancel();
    throw problem("manifest_too_large", `The manifest ${key} is larger than ${maxManifestBytes} bytes.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(await new Response(blob.body).text());
  } catch {
    throw problem("manifest_invalid", `The manifest ${key} is not valid JSON.`);
  }
  const manifest = validate(Manifest, json, "manifest", {
    code: "manifest_invalid",
    details: { manifest_r2_key: key },
  });
  if (manifest.batch_id !== undefined && manifest.batch_id !== batchId) {
    throw problem("manifest_mismatch", `The manifest ${key} belongs to batch ${manifest.batch_id}.`);
  }
  return manifest.directories;
}
