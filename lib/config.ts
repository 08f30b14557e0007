/**
 * The shape of Kiln's configuration, owned by the platform: the parsed platform settings, and the
 * typed view a module takes of the variables it declares. fresh.config.ts composes the variable
 * tables (the platform's and each module's) and parses the environment into a `Config`; nothing
 * here knows which modules exist.
 */
import type { z } from "zod";

/** A variable table: each variable's schema, its default (as the env string) and its README sentence. */
export type VariableTable = Record<string, { schema: z.ZodType; default?: string; doc: string }>;

/** The parsed values of a table's variables. */
export type VariableValues<Table extends VariableTable> = {
  [Name in keyof Table]: z.output<Table[Name]["schema"]>;
};

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  kvPath: string;
  backend: "kv" | "postgres";
  databaseUrl?: string;
  postgresSchema: string;
  postgresPoolSize: number;
  postgresQueueConcurrency: number;
  postgresCommitsInFlight: number;
  postgresReadsInFlight: number;
  publicUrl: string;
  /** Unset secrets are filled in by lib/secrets.ts before the app starts. */
  adminToken?: string;
  logLevel: "debug" | "info" | "warn" | "error";
  accessLog: boolean;
  trustProxyHops: number;
  corsOrigins: string[];
  maxBodyBytes: number;
  bodyTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** 0: derived from the descriptor limit at start-up. */
  maxConnections: number;
  maxConnectionsPerIp: number;
  jobLeaseMs: number;
  jobSweepMs: number;
  jobConcurrency: number;
  jobCrashRetries: number;
  shutdownGraceMs: number;
  liveHeartbeatMs: number;
  version: string;
  /**
   * Every parsed variable by name (fresh.config.ts composes the platform's and each module's
   * table); code reads the ones it declares, typed, with `variablesOf(config, table)`.
   */
  values: Readonly<Record<string, unknown>>;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = "ConfigError";
  }
}

/**
 * The typed values of the variables in `table` (one module's, or several it reads): loadConfig
 * parsed every table fresh.config.ts composes, so each of these names is present and valid.
 */
export function variablesOf<Table extends VariableTable>(
  config: Config,
  _table: Table,
): VariableValues<Table> {
  return config.values as VariableValues<Table>;
}
