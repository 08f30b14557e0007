/**
 * Everything routes and jobs may use, built once in main.ts and handed to the HTTP layer. Modules
 * depend on these interfaces, never on how main.ts chose to implement them.
 */
import type { KvStore } from "./store/types.ts";
import type { SecretStore } from "./secrets.ts";
import type { Config } from "../fresh.config.ts";
import type { BlobStore } from "./blobs/types.ts";
import type { HealthRegistry } from "./health.ts";
import type { AuthResolvers } from "./http/auth.ts";
import type { AdminSessions } from "./admin/session.ts";
import type { createIdempotencyStore } from "./http/idempotency.ts";
import type { createRateLimiter } from "./http/rate_limit.ts";
import type { SelfFetch } from "./http/in_process.ts";
import type { JobEngine } from "./jobs/types.ts";
import type { ChangeFeed } from "./live/types.ts";
import type { Logger } from "./log.ts";
import type { Metrics } from "./metrics.ts";
import type { Scheduler } from "./scheduler.ts";
import type { DocToVideoService } from "./doc_to_video/service.ts";
import type { ConversationModule } from "./conversation/setup.ts";
import type { EngineService } from "./engine/service.ts";
import type { TranscriptionService } from "./transcription/mod.ts";
import type { PreprocessModule } from "./preprocess/setup.ts";
import type { VoiceModule } from "./voice/mod.ts";

export interface Services {
  config: Config;
  kv: KvStore;
  /** Configured secrets, else generated once and kept (see lib/secrets.ts). */
  secrets: SecretStore;
  log: Logger;
  metrics: Metrics;
  health: HealthRegistry;
  auth: AuthResolvers;
  /** Signed-in admin console browsers (the "admin" auth kind accepts them besides the token). */
  adminSessions: AdminSessions;
  rateLimiter: ReturnType<typeof createRateLimiter>;
  idempotency: ReturnType<typeof createIdempotencyStore>;
  jobs: JobEngine;
  live: ChangeFeed;
  scheduler: Scheduler;
  /** `fetch` that serves this app's own public URLs in-process (marked; see lib/http/in_process.ts). */
  selfFetch: SelfFetch;
  /** Large binaries (local directory `$KILN_DATA_DIR/blobs` by default). */
  blobs: BlobStore;
  startedAt: number;
  /** The OpenAPI document (built once from the route manifest, on first use). */
  openApi(): Record<string, unknown>;
  /** Registers clean-up (worker pools, timers) run by close() after the job engine has stopped. */
  onClose(cleanup: () => void | Promise<void>): void;
  /** OpenAPI security schemes by auth kind; a module that adds an auth kind describes it here. */
  securitySchemes: Record<string, Record<string, unknown>>;
  /** Named OpenAPI schemas routes `$ref` (a module that documents a union adds it here). */
  openApiSchemas: Record<string, Record<string, unknown>>;
  // Module services (one optional field each, set by the module's setup in main.ts).
  conversation?: ConversationModule;
  docToVideo?: DocToVideoService;
  engine?: EngineService;
  transcription?: TranscriptionService;
  preprocess?: PreprocessModule;
  voice?: VoiceModule;
}
