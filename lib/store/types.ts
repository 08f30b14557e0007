/**
 * The storage seam. Every domain keeps its keys in one file and talks to storage through `KvStore`:
 * the part of the Deno KV API Kiln uses (reads, ranges, version-checked atomics, watches and the
 * durable queue). Deno KV implements it natively; `postgres/store.ts` implements the same contract
 * on PostgreSQL (a versioned table, LISTEN/NOTIFY, Graphile Worker) so several instances can share
 * one database. Modules never import a backend: they get `services.kv`.
 */
import type { Scheduler } from "../scheduler.ts";
import type { SecretStore } from "../secrets.ts";

export type KvStore = Pick<
  Deno.Kv,
  "get" | "getMany" | "list" | "set" | "delete" | "atomic" | "watch" | "enqueue" | "listenQueue"
>;

/**
 * What `openBackend` opened (`config.backend` says which): the store, the matching scheduler, and
 * how to shut both down.
 */
export interface Backend {
  kv: KvStore;
  scheduler: Scheduler;
  /** Where generated secrets are kept (the data dir's file, or the shared database). */
  secrets: SecretStore;
  /**
   * True when several processes share the store: job wake-ups must then travel through the queue
   * (any instance may take them) instead of being handed to this process's own consumer.
   */
  shared: boolean;
  /** Stops the queue consumer and closes connections (after the job engine has stopped). */
  close(): Promise<void>;
}
