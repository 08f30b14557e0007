/**
 * Files expire with their job: 30 minutes after it finishes (or as soon as the engine forgot it),
 * the sweep deletes the PDF, text, script, video and captions of every such work folder.
 */
import type { KvStore } from "../store/types.ts";
import type { BlobStore } from "../blobs/types.ts";
import type { JobEngine } from "../jobs/types.ts";
import type { Logger } from "../log.ts";
import { blobKeys, docToVideoKeys } from "./keys.ts";
import { isExpired } from "./service.ts";

export async function sweepExpiredWork(
  deps: { kv: KvStore; blobs: BlobStore; jobs: JobEngine; log: Logger },
  now = Date.now(),
): Promise<number> {
  let removed = 0;
  for await (const entry of deps.kv.list<{ jobId: string }>({ prefix: docToVideoKeys.cleanupPrefix })) {
    const workId = String(entry.key.at(-1));
    const job = await deps.jobs.get(entry.value.jobId);
    if (job && !isExpired(job, now)) continue;
    for await (const blob of deps.blobs.list(blobKeys.prefix(workId))) await deps.blobs.delete(blob.key);
    await deps.kv.atomic().check(entry).delete(entry.key).delete(docToVideoKeys.job(entry.value.jobId))
      .commit();
    removed++;
  }
  if (removed > 0) deps.log.info("doc_to_video_cleanup", { removed });
  return removed;
}
