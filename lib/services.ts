/**
 * Everything routes and jobs may use, built once in main.ts and handed to the HTTP layer. Modules
 * depend on these interfaces, never on how main.ts chose to implement them.
 */
import type { Config } from "../fresh.config.ts";
import type { BlobStore } from "./blobs/types.ts";
import type { HealthRegistry } from "./health.ts";
import type { AuthResolvers } from "./http/auth.ts";
import type { createIdempotencyStore } from "./http/idempotency.ts";
import type { createRateLimiter } from "./http/rate_limit.ts";
import type { JobEngine } from "./jobs/types.ts";
import type { ChangeFeed } from "./live/types.ts";
import type { Logger } from "./log.ts";
import type { Metrics } from "./metrics.ts";
import type { Scheduler } from "./scheduler.ts";

export interface Services {
  config: Config;
  kv: Deno.Kv;
  log: Logger;
  metrics: Metrics;
  health: HealthRegistry;
  auth: AuthResolvers;
  rateLimiter: ReturnType<typeof createRateLimiter>;
  idempotency: ReturnType<typeof createIdempotencyStore>;
  jobs: JobEngine;
  live: ChangeFeed;
  scheduler: Scheduler;
  /** Large binaries (local directory `$KILN_DATA_DIR/blobs` by default). */
  blobs: BlobStore;
  startedAt: number;
  /** The OpenAPI document (built once from the route manifest). */
  openApi(): Record<string, unknown>;
  // Module services (one optional field each, set by the module's setup in main.ts).
}
