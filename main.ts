/**
 * Composition root: reads the configuration, opens the storage backend (Deno KV, or PostgreSQL for
 * several instances), builds every service once, registers job
 * kinds, starts the single queue dispatcher and serves HTTP. Nothing below this file chooses an
 * implementation; tests call `createKiln` with their own config (`:memory:` KV) and drive
 * `kiln.app.request()`.
 */
import type { Hono } from "hono";
import { type Config, ConfigError, loadConfig } from "./fresh.config.ts";
import manifest from "./fresh.gen.ts";
import { defineDemoJob } from "./lib/demo/countdown.ts";
import { openBlobStore } from "./lib/blobs/open.ts";
import { createHealthRegistry } from "./lib/health.ts";
import { firstOf, staticTokenResolver } from "./lib/http/auth.ts";
import { createAdminSessions } from "./lib/admin/session.ts";
import type { AppEnv } from "./lib/http/env.ts";
import { createIdempotencyStore } from "./lib/http/idempotency.ts";
import { createRateLimiter } from "./lib/http/rate_limit.ts";
import { defaultMaxConnections, type GuardedServer, serveGuarded } from "./lib/http/server.ts";
import { createJobEngine } from "./lib/jobs/engine.ts";
import { createKvJobQueue, createQueueDispatcher } from "./lib/jobs/kv_queue.ts";
import { createKvChangeFeed } from "./lib/live/kv_feed.ts";
import { createLogger, errorMessage, type Logger } from "./lib/log.ts";
import { createMetrics } from "./lib/metrics.ts";
import { buildOpenApi } from "./lib/openapi.ts";
import { openBackend } from "./lib/store/open.ts";
import { KilnError } from "./lib/errors.ts";
import type { ModuleDefinition, Services } from "./lib/services.ts";
import { modules } from "./modules.ts";
import type { SecretStore } from "./lib/secrets.ts";
import { buildApp } from "./lib/web/app.ts";
import { createSelfFetch } from "./lib/http/in_process.ts";
import { loadAssetManifest } from "./lib/web/assets.ts";
import type { Manifest } from "./lib/web/manifest.ts";

export interface Kiln {
  app: Hono<AppEnv>;
  services: Services;
  /** Stops jobs (releasing running ones), live streams and KV. */
  close(): Promise<void>;
}

export interface KilnOptions {
  log?: Logger;
  manifest?: Manifest;
  /** Project root for static assets (default: this file's folder). */
  root?: string;
}

/** How long an admin console sign-in lasts. */
const adminSessionHours = 12;

const projectRoot = new URL(".", import.meta.url).pathname.replace(/\/$/, "");

export async function createKiln(config: Config, options: KilnOptions = {}): Promise<Kiln> {
  const log = options.log ?? createLogger({ level: config.logLevel });
  const root = options.root ?? projectRoot;
  const backend = await openBackend(config, log);
  const { kv, scheduler, secrets } = backend;
  const adminToken = await secrets.ensure("KILN_ADMIN_TOKEN", config.adminToken);
  config = { ...config, adminToken };

  const metrics = createMetrics();
  const health = createHealthRegistry();
  const live = createKvChangeFeed({ kv, log });
  const dispatcher = createQueueDispatcher(kv, log);
  const jobs = createJobEngine({
    kv,
    queue: createKvJobQueue(kv, dispatcher, log, { localHandOff: !backend.shared }),
    feed: live,
    scheduler,
    log,
    leaseMs: config.jobLeaseMs,
    sweepIntervalMs: config.jobSweepMs,
    maxConcurrentJobs: config.jobConcurrency,
    crashRetries: config.jobCrashRetries,
    onFinished: (job) => metrics.jobsFinished.inc({ kind: job.kind, status: job.status }),
  });
  const adminSessions = createAdminSessions({
    kv,
    adminToken,
    ttlMs: adminSessionHours * 3_600_000,
    secure: config.publicUrl.startsWith("https:"),
  });
  const appManifest = options.manifest ?? manifest;
  let openApi: Record<string, unknown> | undefined;
  const closeHandlers: Array<() => void | Promise<void>> = [];
  /** Set once the app is built; until then `selfFetch` goes to the network. */
  const local: { dispatch?: (request: Request) => Response | Promise<Response> } = {};
  /** Each registered module's API, keyed by its definition (filled below, in registration order). */
  const apis = new Map<ModuleDefinition<unknown>, unknown>();
  const services: Services = {
    config,
    kv,
    secrets,
    log,
    metrics,
    health,
    auth: {
      admin: firstOf(
        staticTokenResolver("admin", adminToken, { header: "x-api-key" }),
        adminSessions.resolver,
      ),
    },
    adminSessions,
    rateLimiter: createRateLimiter(kv),
    idempotency: createIdempotencyStore(kv, { logger: log }),
    jobs,
    live,
    scheduler,
    selfFetch: createSelfFetch(config.publicUrl, () => local.dispatch),
    blobs: openBlobStore(config),
    startedAt: Date.now(),
    onClose: (cleanup) => void closeHandlers.push(cleanup),
    openApi: () =>
      openApi ??= buildOpenApi(appManifest, {
        version: config.version,
        serverUrl: config.publicUrl,
        securitySchemes: services.securitySchemes,
        schemas: services.openApiSchemas,
      }),
    securitySchemes: {
      admin: {
        type: "http",
        scheme: "bearer",
        description:
          "KILN_ADMIN_TOKEN (or X-API-Key); a signed-in admin console sends its cookie and X-CSRF-Token",
        "x-kiln-secret": "KILN_ADMIN_TOKEN",
      },
    },
    openApiSchemas: {},
    module: <Api>(definition: ModuleDefinition<Api>) => {
      if (!apis.has(definition)) {
        throw new KilnError(
          "unavailable",
          "module_unavailable",
          `The ${definition.name} module is not set up.`,
        );
      }
      return apis.get(definition) as Api;
    },
  };

  registerPlatformHealth(services);
  registerPlatformMetrics(services);
  defineDemoJob(jobs);
  // Modules (modules.ts): each sets up its auth kinds, job kinds, checks and tasks, and returns its API.
  for (const definition of modules) apis.set(definition, await definition.setup(services));

  logGeneratedSecrets(secrets, log);
  jobs.start();
  dispatcher.start();

  const assets = await loadAssetManifest(root);
  if (!assets) {
    log.warn("assets_missing", {
      hint: "run `deno task build` to bundle islands; pages render without interactivity",
    });
  }
  const app = buildApp(services, appManifest, assets, root);
  local.dispatch = (request) => app.fetch(request);

  let closed = false;
  return {
    app,
    services,
    async close() {
      if (closed) return;
      closed = true;
      await live.close(); // ends SSE/WebSocket streams so the HTTP server can drain
      await jobs.stop(config.shutdownGraceMs);
      await scheduler.stop();
      for (const cleanup of closeHandlers.reverse()) await cleanup();
      await backend.close();
      await dispatcher.closed;
    },
  };
}

/** One line for every secret this start generated (none on later starts): names and where, never values. */
function logGeneratedSecrets(secrets: SecretStore, log: Logger): void {
  const { names, where } = secrets.generated();
  if (names.length === 0) return;
  log.info("secrets_generated", {
    variables: names,
    keptIn: where,
    hint: "set a variable to choose its value; ./deno task secret <NAME> prints a generated one",
  });
}

function registerPlatformHealth({ health, kv, config, jobs, live }: Services): void {
  health.register("kv", async () => {
    const started = performance.now();
    await kv.get(["health", "probe"]);
    return {
      state: "ok",
      backend: config.backend,
      latencyMs: Math.round((performance.now() - started) * 100) / 100,
    };
  });
  health.register("jobs", async () => ({ state: "ok", ...(await jobs.counts()) }));
  health.register("live", () => Promise.resolve({ state: "ok", ...live.stats() }));
}

function registerPlatformMetrics({ metrics, jobs, live }: Services): void {
  metrics.collect(
    "kiln_jobs",
    "Jobs currently queued, running or failed (dead letters).",
    ["status"],
    async () => {
      const counts = await jobs.counts();
      return Object.entries(counts).map(([status, value]) => ({ labels: { status }, value }));
    },
  );
  metrics.collect(
    "kiln_live_subscribers",
    "Open live-update subscriptions (SSE and WebSocket clients).",
    [],
    () => Promise.resolve([{ labels: {}, value: live.stats().subscribers }]),
  );
  metrics.collect(
    "kiln_live_topics",
    "Topics with at least one subscriber (one KV watch each).",
    [],
    () => Promise.resolve([{ labels: {}, value: live.stats().topics }]),
  );
}

/** The listener's connection counts in /health and /metrics (floods show up there first). */
function registerServerChecks({ health, metrics }: Services, server: GuardedServer): void {
  health.register(
    "http",
    () => Promise.resolve({ state: server.guarded ? "ok" : "degraded", ...server.stats() }),
  );
  metrics.collect(
    "kiln_http_connections",
    "HTTP connections: open now, and since start accepted, refused at a cap, closed for a late request head, accept() failures.",
    ["state"],
    () =>
      Promise.resolve(
        Object.entries(server.stats()).map(([state, value]) => ({ labels: { state }, value })),
      ),
  );
}

/**
 * Loads the configuration from the environment and serves Kiln until SIGINT/SIGTERM, then drains.
 * `handler` may wrap the app (the multi-instance test fixture adds test routes and job kinds to the
 * real server this way); by default requests go straight to `kiln.app`.
 */
export async function serve(handler?: (kiln: Kiln) => Deno.ServeHandler): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    Deno.exit(1);
  }
  const kiln = await createKiln(config);
  const { log } = kiln.services;
  const server = serveGuarded({
    port: config.port,
    hostname: config.host,
    log,
    limits: {
      headersTimeoutMs: config.headersTimeoutMs,
      keepAliveTimeoutMs: config.keepAliveTimeoutMs,
      maxConnections: config.maxConnections || await defaultMaxConnections(),
      // Behind a proxy every connection comes from the proxy: a per-address cap would cap the proxy.
      maxConnectionsPerClient: config.trustProxyHops > 0 ? 0 : config.maxConnectionsPerIp,
    },
    onListen: ({ hostname, port }) =>
      log.info("server_listening", { url: `http://${hostname}:${port}`, publicUrl: config.publicUrl }),
  }, handler?.(kiln) ?? ((request, info) => kiln.app.fetch(request, info)));
  registerServerChecks(kiln.services, server);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutdown_started", { signal });
    try {
      await Promise.all([server.shutdown(), kiln.close()]);
      log.info("shutdown_finished", {});
    } catch (error) {
      log.error("shutdown_failed", { error: errorMessage(error) });
    }
    Deno.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, () => shutdown(signal));
}

if (import.meta.main) await serve();
