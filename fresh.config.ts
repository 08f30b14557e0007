/**
 * Kiln's one configuration: every environment variable the app reads, validated by zod in one
 * place. A wrong value stops start-up with a single line naming the variable, so a deployment fails
 * loudly instead of running half-configured. Secrets that are not set are generated once and kept
 * in `KILN_DATA_DIR` (see lib/secrets.ts) so `deno task start` works with zero setup.
 */
import { z } from "zod";
import { csv, flag, port, positiveMs } from "./lib/config_schemas.ts";
import { type Config, ConfigError, type VariableValues } from "./lib/config.ts";
import { blobVariables } from "./lib/blobs/config.ts";
import { openRouterVariables } from "./lib/providers/llm/config.ts";
import { schemaNamePattern } from "./lib/store/postgres/schema.ts";
import { modules } from "./modules.ts";

/** Each variable: its schema, its default, and the sentence the README's configuration table shows. */
const platformVariables = {
  PORT: { schema: port, default: "8000", doc: "TCP port to listen on (0 picks a free port)." },
  HOST: {
    schema: z.string().min(1),
    default: "127.0.0.1",
    doc: "Interface to bind; use 0.0.0.0 in containers.",
  },
  KILN_DATA_DIR: {
    schema: z.string().min(1),
    default: "./data",
    doc: "Directory for the KV file, blobs and generated secrets.",
  },
  KILN_KV_PATH: {
    schema: z.string().min(1).optional(),
    doc: "Deno KV path (default `$KILN_DATA_DIR/kiln.sqlite3`); `:memory:` for throw-away runs.",
  },
  KILN_BACKEND: {
    schema: z.enum(["kv", "postgres"]),
    default: "kv",
    doc:
      "Storage backend: `kv` (embedded Deno KV, one process) or `postgres` (several instances sharing `DATABASE_URL`).",
  },
  DATABASE_URL: {
    schema: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL").optional(),
    doc: "PostgreSQL connection URL; required when `KILN_BACKEND=postgres`.",
  },
  KILN_PG_SCHEMA: {
    schema: z.string().regex(schemaNamePattern, "must be a lower-case SQL identifier"),
    default: "kiln",
    doc: "PostgreSQL schema for Kiln's tables (Graphile Worker uses `<schema>_worker`).",
  },
  KILN_PG_POOL_SIZE: {
    schema: z.coerce.number().int().min(2).max(500),
    default: "20",
    doc: "PostgreSQL connections per instance (plus one LISTEN connection).",
  },
  KILN_PG_COMMITS_IN_FLIGHT: {
    schema: z.coerce.number().int().min(1).max(500),
    default: "2",
    doc: "Commits one instance sends to PostgreSQL at once; the rest wait and go together in the next " +
      "one (group commit). More suits a database with many cores.",
  },
  KILN_PG_READS_IN_FLIGHT: {
    schema: z.coerce.number().int().min(1).max(500),
    default: "4",
    doc: "Point reads one instance sends to PostgreSQL at once; the rest wait and go together in the " +
      "next query. More suits a database with many cores.",
  },
  KILN_PG_QUEUE_CONCURRENCY: {
    schema: z.coerce.number().int().min(1).max(200),
    default: "30",
    doc: "Graphile Worker queue messages one instance takes at once (job wake-ups, timers).",
  },
  KILN_PUBLIC_URL: {
    schema: z.url().optional(),
    doc: "Absolute base URL used in responses and webhooks (default `http://localhost:$PORT`).",
  },
  KILN_ADMIN_TOKEN: {
    schema: z.string().min(32).optional(),
    doc:
      "Bearer token for admin routes (≥ 32 chars); generated into `$KILN_DATA_DIR/secrets.json` when unset.",
  },
  KILN_LOG_LEVEL: {
    schema: z.enum(["debug", "info", "warn", "error"]),
    default: "info",
    doc: "Minimum level of the JSON log lines on stdout.",
  },
  KILN_ACCESS_LOG: { schema: flag, default: "true", doc: "Write one JSON access-log line per request." },
  KILN_TRUST_PROXY_HOPS: {
    schema: z.coerce.number().int().min(0).max(10),
    default: "0",
    doc: "How many reverse proxies in front of Kiln append to X-Forwarded-For; 0 ignores the header.",
  },
  KILN_CORS_ORIGINS: {
    schema: csv,
    default: "",
    doc: "Comma-separated origins allowed to call the JSON API from browsers (empty: same-origin only).",
  },
  KILN_HEADERS_TIMEOUT_MS: {
    schema: positiveMs,
    default: "15000",
    doc: "A new connection must send a complete request head within this time, or it is closed (slowloris).",
  },
  KILN_KEEP_ALIVE_TIMEOUT_MS: {
    schema: positiveMs,
    default: "65000",
    doc:
      "An idle keep-alive connection is closed after this long without a new request; keep it above a proxy's upstream idle timeout.",
  },
  KILN_MAX_CONNECTIONS: {
    schema: z.coerce.number().int().min(0),
    default: "0",
    doc:
      "Open connections at most; more get a 503 and are closed. 0: three quarters of the process's file descriptor limit.",
  },
  KILN_MAX_CONNECTIONS_PER_IP: {
    schema: z.coerce.number().int().min(0),
    default: "256",
    doc:
      "Open connections per client address (0: no limit); more get a 429. Not applied when KILN_TRUST_PROXY_HOPS > 0 (every connection is the proxy's).",
  },
  KILN_BODY_TIMEOUT_MS: {
    schema: positiveMs,
    default: "30000",
    doc:
      "A request body must keep arriving: at most this long between chunks, and in total this plus 1 s per 32 KiB of the route's limit (408 otherwise).",
  },
  KILN_MAX_BODY_BYTES: {
    schema: z.coerce.number().int().min(1024),
    default: "1048576",
    doc: "Default request body limit for JSON routes (routes may set their own).",
  },
  KILN_JOB_LEASE_MS: {
    schema: positiveMs,
    default: "30000",
    doc: "How long a running job's lease lasts without a heartbeat before another worker may recover it.",
  },
  KILN_JOB_SWEEP_MS: {
    schema: positiveMs,
    default: "5000",
    doc: "Interval of the sweep that re-queues jobs whose message was lost or whose worker died.",
  },
  KILN_JOB_CONCURRENCY: {
    schema: z.coerce.number().int().min(1).max(1000),
    default: "32",
    doc: "Job handlers allowed to run at once in this process; further due jobs wait (still durable in KV).",
  },
  KILN_JOB_CRASH_RETRIES: {
    schema: z.coerce.number().int().min(0).max(10),
    default: "0",
    doc:
      "Process deaths (crash, OOM kill, kill -9) a running job may survive. 0: a job whose process died mid-attempt fails with `process_crashed` at the next start instead of running again (poison-job quarantine).",
  },
  KILN_SHUTDOWN_GRACE_MS: {
    schema: z.coerce.number().int().min(0),
    default: "10000",
    doc: "On SIGTERM/SIGINT, how long running jobs may finish before they are released for the next start.",
  },
  KILN_LIVE_HEARTBEAT_MS: {
    schema: positiveMs,
    default: "15000",
    doc: "Interval of SSE heartbeat comments and WebSocket pings.",
  },
  KILN_REQUIRE_SYSTEM_TOOLS: {
    schema: flag,
    default: "false",
    doc:
      "Tests only: a missing system tool (chromium, ffmpeg…) fails the run instead of skipping (CI sets 1).",
  },
} as const;

/** Every variable Kiln reads: the platform's and each module's. */
export const configVariables = {
  ...platformVariables,
  ...blobVariables,
  ...openRouterVariables,
  ...(Object.assign({}, ...modules.map((module) => module.variables)) as ModuleVariables),
};

/** Every registered module's variables, as one table type. */
type ModuleVariables = UnionToIntersection<(typeof modules)[number]["variables"]>;
type UnionToIntersection<Union> = (Union extends unknown ? (value: Union) => void : never) extends
  (value: infer Intersection) => void ? Intersection : never;

/** Every variable's parsed value (modules read their own through `variablesOf`, lib/config.ts). */
export type ConfigValues = VariableValues<typeof configVariables>;
type Variables = typeof configVariables;
type VariableName = keyof Variables;
type Parsed = ConfigValues;

export { type Config, ConfigError };

export const version = "0.1.0";

/** The configuration as the composition root sees it: every variable typed. */
export type AppConfig = Config & { values: ConfigValues };

/** Parses the environment into a Config, throwing a ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const values: Record<string, unknown> = {};
  for (
    const [name, variable] of Object.entries(configVariables) as [VariableName, Variables[VariableName]][]
  ) {
    const raw = env[name] === "" ? undefined : env[name];
    const input = raw ?? ("default" in variable ? variable.default : undefined);
    const result = (variable.schema as z.ZodType).safeParse(input);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new ConfigError(name, `${issue?.message ?? "is invalid"} (got ${JSON.stringify(raw)})`);
    }
    values[name] = result.data;
  }
  const parsed = values as Parsed;
  const dataDir = parsed.KILN_DATA_DIR;
  if (parsed.KILN_BACKEND === "postgres" && !parsed.DATABASE_URL) {
    throw new ConfigError("DATABASE_URL", "is required when KILN_BACKEND=postgres");
  }
  if (parsed.BLOB_STORE === "s3") {
    const missing = (["S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const)
      .find((name) => !parsed[name]);
    if (missing) throw new ConfigError(missing, "is required when BLOB_STORE=s3");
  }
  for (const module of modules) {
    const problem = module.checkVariables?.(parsed);
    if (problem) throw new ConfigError(problem.variable, problem.message);
  }
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    dataDir,
    kvPath: parsed.KILN_KV_PATH ?? `${dataDir}/kiln.sqlite3`,
    backend: parsed.KILN_BACKEND,
    databaseUrl: parsed.DATABASE_URL,
    postgresSchema: parsed.KILN_PG_SCHEMA,
    postgresPoolSize: parsed.KILN_PG_POOL_SIZE,
    postgresQueueConcurrency: parsed.KILN_PG_QUEUE_CONCURRENCY,
    postgresCommitsInFlight: parsed.KILN_PG_COMMITS_IN_FLIGHT,
    postgresReadsInFlight: parsed.KILN_PG_READS_IN_FLIGHT,
    publicUrl: (parsed.KILN_PUBLIC_URL ?? `http://localhost:${parsed.PORT}`).replace(/\/$/, ""),
    adminToken: parsed.KILN_ADMIN_TOKEN,
    logLevel: parsed.KILN_LOG_LEVEL,
    accessLog: parsed.KILN_ACCESS_LOG,
    trustProxyHops: parsed.KILN_TRUST_PROXY_HOPS,
    corsOrigins: parsed.KILN_CORS_ORIGINS,
    maxBodyBytes: parsed.KILN_MAX_BODY_BYTES,
    bodyTimeoutMs: parsed.KILN_BODY_TIMEOUT_MS,
    headersTimeoutMs: parsed.KILN_HEADERS_TIMEOUT_MS,
    keepAliveTimeoutMs: parsed.KILN_KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: parsed.KILN_MAX_CONNECTIONS,
    maxConnectionsPerIp: parsed.KILN_MAX_CONNECTIONS_PER_IP,
    jobLeaseMs: parsed.KILN_JOB_LEASE_MS,
    jobSweepMs: parsed.KILN_JOB_SWEEP_MS,
    jobConcurrency: parsed.KILN_JOB_CONCURRENCY,
    jobCrashRetries: parsed.KILN_JOB_CRASH_RETRIES,
    shutdownGraceMs: parsed.KILN_SHUTDOWN_GRACE_MS,
    liveHeartbeatMs: parsed.KILN_LIVE_HEARTBEAT_MS,
    version,
    values: parsed,
  };
}
