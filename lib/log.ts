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

/**
 * Lines are batched into one stdout write every few milliseconds: a synchronous console.log per
 * request costs more than routing the request. Warnings and errors flush at once, and the buffer is
 * flushed on exit, so only info lines of the last ~10 ms can be lost to a `kill -9`.
 */
function bufferedStdoutSink(flushMs = 10): LogSink {
  const encoder = new TextEncoder();
  let pending: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const bytes = encoder.encode(pending.join("\n") + "\n");
    pending = [];
    for (let written = 0; written < bytes.length;) written += Deno.stdout.writeSync(bytes.subarray(written));
  };
  globalThis.addEventListener("unload", flush);
  return (line, level) => {
    pending.push(line);
    if (level === "warn" || level === "error" || pending.length >= 512) return flush();
    if (timer === undefined) {
      timer = setTimeout(flush, flushMs);
      Deno.unrefTimer(timer as unknown as number); // Node's timer typings shadow Deno's number ids
    }
  };
}

let sharedStdoutSink: LogSink | undefined;
const stdoutSink: LogSink = (line, level) => (sharedStdoutSink ??= bufferedStdoutSink())(line, level);

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

const secretNames = new Map<string, boolean>();

function isSecretName(name: string): boolean {
  let secret = secretNames.get(name);
  if (secret === undefined) {
    secret = secretField.test(name);
    if (secretNames.size < 10_000) secretNames.set(name, secret);
  }
  return secret;
}

function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const name in fields) {
    const value = fields[name];
    // Secrets are strings; numbers such as token counts under a secret-looking name stay readable.
    out[name] = typeof value === "string" && isSecretName(name) ? "[redacted]" : value;
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
