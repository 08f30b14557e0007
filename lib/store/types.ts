/**
 * The storage seam. Every domain keeps its keys in one file and talks to storage through `KvStore`:
 * the part of the Deno KV API Kiln uses (reads, ranges, version-checked atomics, watches and the
 * durable queue). Deno KV implements it natively (its commits grouped by `kv_group_commit.ts`);
 * `postgres/store.ts` implements the same contract on PostgreSQL (a versioned table, LISTEN/NOTIFY,
 * Graphile Worker) so several instances can share one database. Modules never import a backend:
 * they get `services.kv`.
 */
export type KvStore = Pick<
  Deno.Kv,
  "get" | "getMany" | "list" | "set" | "delete" | "atomic" | "watch" | "enqueue" | "listenQueue"
>;
