/**
 * Chooses the storage backend from the configuration: the embedded Deno KV file (one process, zero
 * setup) or PostgreSQL (`KILN_BACKEND=postgres`, any number of instances on one database).
 * The only file besides the tests that knows both exist.
 */
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { createIntervalScheduler, type Scheduler } from "../scheduler.ts";
import { createFileSecretStore, createSharedSecretStore, type SecretStore } from "../secrets.ts";
import { withGroupCommit } from "./kv_group_commit.ts";
import { openPostgresStore } from "./postgres/store.ts";
import type { KvStore } from "./types.ts";

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

export async function openBackend(config: Config, log: Logger): Promise<Backend> {
  if (config.backend === "postgres") {
    const store = await openPostgresStore({
      url: config.databaseUrl!,
      schema: config.postgresSchema,
      poolSize: config.postgresPoolSize,
      queueConcurrency: config.postgresQueueConcurrency,
      commitsInFlight: config.postgresCommitsInFlight,
      readsInFlight: config.postgresReadsInFlight,
      log,
    });
    const scheduler = store.runtime.scheduler;
    scheduler.every("kv.purge_expired", 60_000, async () => {
      const purged = await store.purgeExpired();
      if (purged > 0) log.debug("kv_expired_purged", { rows: purged });
    });
    return {
      kv: store.kv,
      scheduler,
      secrets: createSharedSecretStore(store.kv),
      shared: true,
      close: store.close,
    };
  }
  if (config.kvPath !== ":memory:") {
    await Deno.mkdir(config.kvPath.replace(/\/[^/]*$/, "") || ".", { recursive: true });
  }
  const { kv, close } = await openDenoKv(config.kvPath);
  return {
    kv,
    scheduler: createIntervalScheduler(log),
    secrets: createFileSecretStore(config.dataDir),
    shared: false,
    close: () => Promise.resolve(close()),
  };
}

/** Deno KV at `path` (a file or `:memory:`), its commits grouped (kv_group_commit.ts). */
export async function openDenoKv(path: string): Promise<{ kv: KvStore; close(): void }> {
  const kv = await Deno.openKv(path);
  return { kv: withGroupCommit(kv), close: () => kv.close() };
}
