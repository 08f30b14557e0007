/**
 * One logger: a JSON line per event on stdout (`ts, level, event, …fields`). Field names that look
 * like secrets are redacted here, centrally, so a careless call site cannot leak a token.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. `{ requestId }` or `{ jobId }`). */
  child(fields: LogFields): Logger;
}

const levelOrder: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const secretField = /(secret|token|password|passwd|authorization|api[-_]?key|cookie|signature)/i;

export type LogSink = (line: string, level: LogLevel) => void;

const stdoutSink: LogSink = (line) => console.log(line);

export function createLogger(
  options: { level?: LogLevel; sink?: LogSink; fields?: LogFields } = {},
): Logger {
  const minimum = levelOrder[options.level ?? "info"];
  const sink = options.sink ?? stdoutSink;
  const base = options.fields ?? {};
  const write = (level: LogLevel, event: string, fields?: LogFields) => {
    if (levelOrder[level] < minimum) return;
    const record = { ts: new Date().toISOString(), level, event, ...base, ...redact(fields ?? {}) };
    sink(JSON.stringify(record, jsonSafe), level);
  };
  return {
    debug: (event, fields) => write("debug", event, fields),
    info: (event, fields) => write("info", event, fields),
    warn: (event, fields) => write("warn", event, fields),
    error: (event, fields) => write("error", event, fields),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...redact(fields) } }),
  };
}

/** A logger that drops everything; for tests that do not inspect logs. */
export const silentLogger: Logger = createLogger({ sink: () => {} });

function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [name, value] of Object.entries(fields)) {
    out[name] = secretField.test(name) && value !== undefined && typeof value !== "boolean"
      ? "[redacted]"
      : value;
  }
  return out;
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === "bigint") return value.toString();
  return value;
}

/** Describes a thrown value for a log line without its stack. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
