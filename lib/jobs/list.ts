/**
 * Listing jobs for operators (the admin console and `GET /api/admin/jobs`). Queued, running and
 * failed jobs come from their time-ordered indexes; succeeded and cancelled jobs have no index (they
 * only wait for their TTL), so they are found by a scan of the records. Either way at most
 * `scanLimit` entries are read, so a huge backlog cannot stall an admin page.
 */
import type { EngineContext } from "./context.ts";
import { jobKeys } from "./keys.ts";
import { isExpired } from "./transition.ts";
import type { JobRecord, JobStatus } from "./types.ts";

export interface JobListOptions {
  status?: JobStatus;
  kind?: string;
  limit?: number;
}

/** Index entries or records read at most for one listing. */
const scanLimit = 5_000;

const indexOf: Partial<Record<JobStatus, { prefix: Deno.KvKey; reverse: boolean }>> = {
  queued: { prefix: jobKeys.pendingPrefix, reverse: false },
  running: { prefix: jobKeys.leasePrefix, reverse: false },
  failed: { prefix: jobKeys.deadPrefix, reverse: true },
};

/** Jobs in one status (default: failed, the dead letters), in index order, at most `limit`. */
export async function listJobs(ctx: EngineContext, options: JobListOptions = {}): Promise<JobRecord[]> {
  const status = options.status ?? "failed";
  const limit = Math.max(1, Math.min(options.limit ?? 50, 1_000));
  const now = ctx.now();
  const keep = (job: JobRecord | null): job is JobRecord =>
    job !== null && job.status === status && !isExpired(job, now) &&
    (!options.kind || job.kind === options.kind);
  const index = indexOf[status];
  if (!index) return await scanFinished(ctx, keep, limit);

  const records: JobRecord[] = [];
  let ids: string[] = [];
  const flush = async () => {
    const entries = await ctx.kv.getMany<JobRecord[]>(ids.map((id) => jobKeys.job(id)));
    records.push(...entries.map((entry) => entry.value).filter(keep));
    ids = [];
  };
  const entries = ctx.kv.list({ prefix: index.prefix }, { reverse: index.reverse, limit: scanLimit });
  for await (const entry of entries) {
    ids.push(entry.key[3] as string);
    if (ids.length === 10) await flush();
    if (records.length >= limit) break;
  }
  if (ids.length > 0) await flush();
  return records.slice(0, limit);
}

async function scanFinished(
  ctx: EngineContext,
  keep: (job: JobRecord | null) => job is JobRecord,
  limit: number,
): Promise<JobRecord[]> {
  const found: JobRecord[] = [];
  const prefix = jobKeys.job("").slice(0, -1);
  for await (const entry of ctx.kv.list<JobRecord>({ prefix }, { limit: scanLimit, batchSize: 500 })) {
    if (keep(entry.value)) found.push(entry.value);
  }
  return found.sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0)).slice(0, limit);
}
