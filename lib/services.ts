/**
 * The platform every route, job and module may use, built once in main.ts and handed to the HTTP
 * layer, plus the one typed way to reach a domain module's API (`services.module(definition)`).
 * Modules depend on these interfaces, never on how main.ts chose to implement them; nothing here
 * names a domain module (tests/architecture holds that).
 */
import type { KvStore } from "./store/types.ts";
import type { SecretStore } from "./secrets.ts";
import type { Config, VariableTable, VariableValues } from "./config.ts";
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
  /**
   * The API a registered module's setup returned (routes: `services.module(engineModule)`). A module
   * that is not registered is a 503 `module_unavailable`, so a route never sees a half-wired app.
   */
  module<Api>(definition: ModuleDefinition<Api>): Api;
}

/**
 * A domain module, as its `lib/<module>/mod.ts` declares it with `defineModule`: its name, the
 * environment variables it declares, and the setup that wires it into the platform (secrets, auth
 * kinds, job kinds, health checks, metrics, scheduled tasks) and returns the API its routes call.
 * Registered in modules.ts: fresh.config.ts validates every module's variables at start-up, main.ts
 * sets the modules up once, in order (a module may use the APIs of those before it).
 */
export interface ModuleDefinition<Api, Variables extends VariableTable = VariableTable> {
  /** snake_case, the prefix of its scheduler tasks, metrics and log events. */
  readonly name: string;
  /** Its variables (schema, default, README sentence); read them with `variablesOf(config, table)`. */
  readonly variables: Variables;
  /** A rule across its variables no single schema sees: the problem stops start-up, naming the variable. */
  checkVariables?(values: VariableValues<Variables>): { variable: string; message: string } | undefined;
  setup(services: Services): Promise<Api>;
}

/** Declares a module (identity matters: the definition object is the key of `services.module`). */
export function defineModule<Api, Variables extends VariableTable>(
  definition: ModuleDefinition<Api, Variables>,
): ModuleDefinition<Api, Variables> {
  return definition;
}
