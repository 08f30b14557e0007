/**
 * Every KV key the job engine writes, in one place, so the layout can be read (and migrated) at a
 * glance. Index keys embed a time first so the sweep can range-scan "everything due before t".
 */

const root = "jobs";

export const jobKeys = {
  /** The durable job record (the source of truth). */
  job: (id: string): Deno.KvKey => [root, "job", id],
  /** kind + caller key → job id; written with `check(null)` so duplicates race safely. */
  idempotency: (kind: string, key: string): Deno.KvKey => [root, "idem", kind, key],
  /** Queued jobs by due time. */
  pending: (runAt: number, id: string): Deno.KvKey => [root, "pending", runAt, id],
  pendingPrefix: [root, "pending"] as Deno.KvKey,
  /** Running jobs by lease deadline; an entry in the past means a dead worker. */
  lease: (leaseUntil: number, id: string): Deno.KvKey => [root, "lease", leaseUntil, id],
  leasePrefix: [root, "lease"] as Deno.KvKey,
  /** Failed jobs (dead letters) by finish time. */
  dead: (finishedAt: number, id: string): Deno.KvKey => [root, "dead", finishedAt, id],
  deadPrefix: [root, "dead"] as Deno.KvKey,
  /** A process's sign of life (`WorkerPresence`): tells a crashed lease holder from a slow one. */
  worker: (workerId: string): Deno.KvKey => [root, "workers", workerId],
  /** Concurrency slot of a key: `{ holders, waiting }`. */
  slot: (key: string): Deno.KvKey => [root, "slots", key],
  /** Stored result of `ctx.checkpoint(name)`. */
  step: (id: string, name: string): Deno.KvKey => [root, "step", id, name],
  stepPrefix: (id: string): Deno.KvKey => [root, "step", id],
};
