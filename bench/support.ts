/**
 * Shared pieces of `deno task bench`: the result row and its pass/fail rule, percentiles, the table
 * printer, wrk's output parser, the load generator (wrk, else autocannon), free ports, and server
 * subprocesses that are always cleaned up. Everything above the "side effects" line is pure and
 * unit-tested in tests/bench/results_test.ts.
 */
import { loadConfig } from "../fresh.config.ts";
import { silentLogger } from "../lib/log.ts";
import { createKiln, type Kiln } from "../main.ts";

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

/** One line of the table and of bench/results.json. */
export interface Row {
  name: string;
  value: number;
  unit: string;
  /** The same figure for the baseline measured in this run (e.g. bare Deno.serve + Hono). */
  baseline?: number;
  /** value / baseline. */
  ratio?: number;
  /** Human-readable target, e.g. "≥ 1000 jobs/s", "ratio ≥ 0.8"; "-" for informational rows. */
  target: string;
  pass: boolean;
  /** Set on the row that stands for a benchmark that crashed. */
  error?: string;
}

export type Comparison = ">=" | ">" | "<=" | "<" | "==";

/** A target on the row's value, or (`on: "ratio"`) on value / baseline. */
export interface Target {
  op: Comparison;
  value: number;
  on?: "value" | "ratio";
}

const symbols: Record<Comparison, string> = { ">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "=" };

export function compare(actual: number, op: Comparison, expected: number): boolean {
  if (!Number.isFinite(actual)) return false;
  switch (op) {
    case ">=":
      return actual >= expected;
    case ">":
      return actual > expected;
    case "<=":
      return actual <= expected;
    case "<":
      return actual < expected;
    case "==":
      return actual === expected;
  }
}

export function describeTarget(target: Target | undefined, unit: string): string {
  if (!target) return "-";
  const amount = formatNumber(target.value);
  return target.on === "ratio"
    ? `ratio ${symbols[target.op]} ${amount}`
    : `${symbols[target.op]} ${amount} ${unit}`.trim();
}

/**
 * Builds a row: computes the ratio when a baseline is given and decides `pass` against the target.
 * A row without a target is informational and always passes. A ratio target without a usable
 * baseline fails (there is nothing to compare with).
 */
export function row(
  name: string,
  value: number,
  unit: string,
  options: { baseline?: number; target?: Target } = {},
): Row {
  const { baseline, target } = options;
  const out: Row = { name, value, unit, target: describeTarget(target, unit), pass: true };
  if (baseline !== undefined) {
    out.baseline = baseline;
    if (baseline !== 0 && Number.isFinite(baseline) && Number.isFinite(value)) out.ratio = value / baseline;
  }
  if (target) {
    const actual = target.on === "ratio" ? out.ratio : value;
    out.pass = actual !== undefined && compare(actual, target.op, target.value);
  }
  return out;
}

/** The row that stands for a benchmark module that threw. */
export function crashRow(suite: string, error: unknown): Row {
  const message = error instanceof Error ? error.message : String(error);
  return { name: `${suite}: CRASHED`, value: 0, unit: "", target: "runs", pass: false, error: message };
}

/** JSON cannot hold NaN/Infinity; results.json gets null there rather than a silent 0. */
export function toJson(rows: Row[]): string {
  return JSON.stringify(
    rows,
    (_key, value) => typeof value === "number" && !Number.isFinite(value) ? null : value,
    2,
  ) +
    "\n";
}

// ---------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------

/**
 * Nearest-rank percentile (`q` in 0..100) of `values` (need not be sorted; not modified).
 * p0 is the minimum, p100 the maximum; NaN for an empty list.
 */
export function percentile(values: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile must be within 0..100, got ${q}`);
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.max(1, Math.ceil((q / 100) * n));
  return sorted[rank - 1];
}

// ---------------------------------------------------------------------------------------------
// Table
// ---------------------------------------------------------------------------------------------

export function formatNumber(value: number | undefined): string {
  if (value === undefined) return "";
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 1000 || Number.isInteger(value) ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : 3;
  return value.toLocaleString("en-US", { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

/** The results as an aligned text table (numbers right-aligned), one line per row. */
export function formatTable(rows: Row[]): string {
  const header = ["name", "value", "unit", "baseline", "ratio", "target", "pass"];
  const body = rows.map((r) => [
    r.name,
    r.error ? "-" : formatNumber(r.value),
    r.unit,
    formatNumber(r.baseline),
    r.ratio === undefined ? "" : r.ratio.toFixed(2),
    r.target,
    r.target === "-" ? "" : r.pass ? "PASS" : "FAIL",
  ]);
  const numeric = [false, true, false, true, true, false, false];
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i].length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])).join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  const errors = rows.filter((r) => r.error).map((r) => `  ${r.name}: ${r.error}`);
  return [line(header), rule, ...body.map(line), ...(errors.length ? ["", "errors:", ...errors] : [])].join(
    "\n",
  );
}

// ---------------------------------------------------------------------------------------------
// Load generator results
// ---------------------------------------------------------------------------------------------

/** What one load run measured, whichever tool ran it. Latencies in milliseconds. */
export interface LoadResult {
  tool: "wrk" | "autocannon";
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses outside 2xx/3xx. */
  non2xx: number;
  /** Connect/read/write errors and timeouts. */
  errors: number;
}

const timeUnits: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "285.00us" → 0.285 (ms). */
export function parseWrkDuration(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new Error(`wrk: unreadable duration "${text}"`);
  return Number(match[1]) * timeUnits[match[2]];
}

/** Parses the text wrk prints with `--latency`. Throws when a required figure is missing. */
export function parseWrkOutput(text: string): LoadResult {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(text);
  const total = /^\s*(\d+) requests in /m.exec(text);
  const p50 = /^\s*50(?:\.0+)?%\s+(\S+)/m.exec(text);
  const p99 = /^\s*99(?:\.0+)?%\s+(\S+)/m.exec(text);
  if (!rps || !total || !p50 || !p99) {
    throw new Error(`wrk: unexpected output (was --latency given?):\n${text.slice(0, 2000)}`);
  }
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return {
    tool: "wrk",
    requests: Number(total[1]),
    requestsPerSecond: Number(rps[1]),
    p50Ms: parseWrkDuration(p50[1]),
    p99Ms: parseWrkDuration(p99[1]),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    errors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Side effects: timing helpers, ports, processes, load generation
// ---------------------------------------------------------------------------------------------

/** Rejects with `what` if `promise` has not settled within `ms`; the timer never outlives it. */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A TCP port that was free a moment ago (the OS picks it; there is a tiny race until it is bound). */
export function freePort(hostname = "127.0.0.1"): number {
  const listener = Deno.listen({ hostname, port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** The repository root (bench/ lives directly below it). */
export const repoRoot = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Children still alive; `cleanupAll` (after each suite, on Ctrl-C) stops them so a crash leaks no server. */
const liveChildren = new Set<ServerProcess>();

export interface ServerProcess extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  readonly child: Deno.ChildProcess;
  /** The last few KB the process wrote to stderr (for error messages). */
  stderrTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `deno run -A <script>` (relative to the repo root) with `PORT` set to a free port and
 * waits until `readyPath` answers 2xx. stdout goes to /dev/null (the server still formats and writes
 * every log line: production cost, no pipe for this process to drain); stderr is drained into a
 * bounded tail for error messages.
 */
export async function startServer(
  script: string,
  options: { env?: Record<string, string>; readyPath?: string; readyTimeoutMs?: number } = {},
): Promise<ServerProcess> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script],
    cwd: repoRoot,
    env: { ...options.env, PORT: String(port), HOST: "127.0.0.1", NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();

  let tail = "";
  const draining = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      tail = (tail + decoder.decode(chunk, { stream: true })).slice(-8192);
    }
  })().catch(() => {});

  let exited: Deno.CommandStatus | undefined;
  const status = child.status.then((s) => (exited = s));
  let stopping: Promise<void> | undefined;
  const server: ServerProcess = {
    url,
    port,
    child,
    stderrTail: () => tail.trim(),
    stop(graceMs = 3_000) {
      stopping ??= (async () => {
        if (!exited) {
          try {
            child.kill("SIGTERM");
          } catch { /* already gone */ }
          let timer: ReturnType<typeof setTimeout> | undefined;
          const killed = new Promise<void>((resolve) => {
            timer = setTimeout(() => {
              try {
                child.kill("SIGKILL");
              } catch { /* already gone */ }
              resolve();
            }, graceMs);
          });
          await Promise.race([status, killed]);
          clearTimeout(timer);
        }
        await status;
        await draining;
        liveChildren.delete(server);
      })();
      return stopping;
    },
    [Symbol.asyncDispose]() {
      return server.stop();
    },
  };
  liveChildren.add(server);

  const readyPath = options.readyPath ?? "/";
  const deadlineAt = performance.now() + (options.readyTimeoutMs ?? 20_000);
  try {
    while (true) {
      if (exited) {
        throw new Error(
          `${script} exited with code ${exited.code} before listening:\n${server.stderrTail()}`,
        );
      }
      try {
        const response = await fetch(url + readyPath);
        await response.body?.cancel();
        if (response.ok) return server;
      } catch {
        // Not listening yet.
      }
      if (performance.now() > deadlineAt) {
        throw new Error(
          `${script} did not answer ${readyPath} within ${
            options.readyTimeoutMs ?? 20_000
          } ms:\n${server.stderrTail()}`,
        );
      }
      await delay(50);
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Temporary directories not yet removed. */
const liveTempDirs = new Set<string>();

/**
 * Stops every server subprocess still running and removes every temp dir still there (after each
 * suite, so a crash leaks nothing, and on Ctrl-C).
 */
export async function cleanupAll(): Promise<void> {
  await Promise.all([...liveChildren].map((server) => server.stop(1_000)));
  await Promise.all([...liveTempDirs].map((path) => Deno.remove(path, { recursive: true }).catch(() => {})));
  liveTempDirs.clear();
}

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
  /** Force a tool; default wrk when /usr/bin/wrk (or wrk on PATH) exists, else autocannon. */
  tool?: "wrk" | "autocannon";
  /** A write load: every request is `method` with these headers and body (default: plain GETs). */
  request?: { method: string; headers: Record<string, string>; body: string };
  /** Paths (on the url's origin) that requests take in turn, e.g. one per session. */
  paths?: string[];
}

/** wrk's Lua script for a write load: one method/body/headers, paths taken round-robin. */
export function wrkScript(request: NonNullable<LoadOptions["request"]>, paths: string[]): string {
  const quote = (text: string) => JSON.stringify(text);
  return [
    `wrk.method = ${quote(request.method)}`,
    `wrk.body = ${quote(request.body)}`,
    ...Object.entries(request.headers).map(([name, value]) =>
      `wrk.headers[${quote(name)}] = ${quote(value)}`
    ),
    `local paths = { ${paths.map(quote).join(", ")} }`,
    "local next = 0",
    "request = function()",
    "  next = next % #paths + 1",
    "  return wrk.format(nil, paths[next])",
    "end",
  ].join("\n");
}

let wrkPath: string | null | undefined;

/** The wrk binary, or null when it is not installed. */
export async function findWrk(): Promise<string | null> {
  if (wrkPath !== undefined) return wrkPath;
  const dirs = [...(Deno.env.get("PATH") ?? "").split(":").filter(Boolean), "/usr/bin", "/usr/local/bin"];
  for (const dir of dirs) {
    try {
      const info = await Deno.stat(`${dir}/wrk`);
      if (info.isFile) return (wrkPath = `${dir}/wrk`);
    } catch {
      // Not here.
    }
  }
  return (wrkPath = null);
}

/** The load generator `KILN_BENCH_LOADGEN` asks for, else wrk when installed, else autocannon. */
export async function chooseLoadTool(): Promise<"wrk" | "autocannon"> {
  const forced = Deno.env.get("KILN_BENCH_LOADGEN");
  if (forced === "wrk" || forced === "autocannon") return forced;
  return (await findWrk()) ? "wrk" : "autocannon";
}

/**
 * Drives `url` with keep-alive GETs for `durationSeconds`. wrk runs with one thread (the server
 * subprocess keeps the other core); autocannon runs inside this process, which is otherwise idle.
 */
export async function generateLoad(url: string, options: LoadOptions): Promise<LoadResult> {
  const tool = options.tool ?? await chooseLoadTool();
  if (tool === "wrk") {
    const wrk = await findWrk();
    if (!wrk) throw new Error("wrk was requested but is not installed");
    const args = ["-t1", `-c${options.connections}`, `-d${options.durationSeconds}s`, "--latency", url];
    let script: string | undefined;
    if (options.request) {
      script = await Deno.makeTempFile({ prefix: "kiln-bench-", suffix: ".lua" });
      const paths = options.paths ?? [new URL(url).pathname];
      await Deno.writeTextFile(script, wrkScript(options.request, paths));
      args.push("-s", script);
    }
    const output = await new Deno.Command(wrk, { args, stdin: "null", stdout: "piped", stderr: "piped" })
      .output()
      .finally(() => script && Deno.remove(script).catch(() => {}));
    const text = new TextDecoder().decode(output.stdout);
    if (!output.success) {
      throw new Error(`wrk failed (${output.code}): ${new TextDecoder().decode(output.stderr)}\n${text}`);
    }
    return parseWrkOutput(text);
  }
  const { default: autocannon } = await import("autocannon");
  const paths = options.paths ?? [new URL(url).pathname];
  let next = 0;
  // deno-lint-ignore no-explicit-any
  const result: any = await autocannon({
    url,
    connections: options.connections,
    duration: options.durationSeconds,
    pipelining: 1,
    ...(options.request
      ? {
        method: options.request.method,
        headers: options.request.headers,
        body: options.request.body,
        // deno-lint-ignore no-explicit-any
        requests: [{ setupRequest: (request: any) => ({ ...request, path: paths[next++ % paths.length] }) }],
      }
      : {}),
  });
  return {
    tool: "autocannon",
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / (result.duration || options.durationSeconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx ?? 0,
    errors: (result.errors ?? 0) + (result.timeouts ?? 0),
  };
}

/** Env of `main.ts` run as in production by a suite: a KV file in `dataPath`, access log on. */
export function kilnProcessEnv(dataPath: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KILN_DATA_DIR: dataPath,
    KILN_KV_PATH: `${dataPath}/kiln.sqlite3`,
    KILN_ADMIN_TOKEN: randomToken(),
    KILN_ACCESS_LOG: "true",
    KILN_LOG_LEVEL: "info",
    KILN_SHUTDOWN_GRACE_MS: "0",
    ...extra,
  };
}

/** A temporary directory removed (recursively) on dispose. */
export async function tempDir(prefix: string): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix });
  liveTempDirs.add(path);
  return {
    path,
    async [Symbol.asyncDispose]() {
      liveTempDirs.delete(path);
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

/** `ulimit -n` of this process (soft limit), or Infinity when it cannot be read. */
export async function openFileLimit(): Promise<number> {
  try {
    const output = await new Deno.Command("sh", {
      args: ["-c", "ulimit -n"],
      stdout: "piped",
      stderr: "null",
    }).output();
    const text = new TextDecoder().decode(output.stdout).trim();
    return text === "unlimited" ? Infinity : Number(text) || Infinity;
  } catch {
    return Infinity;
  }
}

/**
 * A whole Kiln for a module benchmark: `:memory:` KV, no access log, served on a free loopback
 * port. Dispose stops the live streams, the server and the app, and removes its data directory.
 */
export async function servedKiln(
  prefix: string,
  env: Record<string, string> = {},
): Promise<{ kiln: Kiln; port: number; base: string } & AsyncDisposable> {
  const data = await tempDir(prefix);
  const kiln = await createKiln(
    loadConfig({
      PORT: "0",
      KILN_DATA_DIR: data.path,
      KILN_KV_PATH: ":memory:",
      KILN_ADMIN_TOKEN: randomToken(),
      KILN_ACCESS_LOG: "false",
      KILN_SHUTDOWN_GRACE_MS: "0",
      ...env,
    }),
    { log: silentLogger },
  );
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    (request, info) => kiln.app.fetch(request, info),
  );
  return {
    kiln,
    port: server.addr.port,
    base: `http://127.0.0.1:${server.addr.port}`,
    async [Symbol.asyncDispose]() {
      await kiln.services.live.close();
      await server.shutdown();
      await kiln.close();
      await data[Symbol.asyncDispose]();
    },
  };
}

/** A random token for KILN_ADMIN_TOKEN (64 hex chars). */
export function randomToken(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}

/** Runs `task(0)`…`task(count - 1)` with at most `workers` in flight; results in index order. */
export async function mapConcurrently<T>(
  count: number,
  workers: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  }));
  return results;
}

/** Mints a user JWT for each of `count` users (`<prefix>-<n>`) and grants each `credits`; returns the tokens. */
export async function fundUsers(
  serverUrl: string,
  adminKey: string,
  options: { count: number; prefix: string; credits: number },
): Promise<string[]> {
  const admin = { "x-api-key": adminKey, "content-type": "application/json" };
  const tokens: string[] = [];
  for (let index = 0; index < options.count; index++) {
    const userId = `${options.prefix}-${index}`;
    const minted = await fetch(`${serverUrl}/v1/admin/users/${userId}/token`, {
      method: "POST",
      headers: admin,
      body: "{}",
    });
    tokens.push((await minted.json()).token);
    const added = await fetch(`${serverUrl}/v1/credits/add`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ userId, amount: options.credits }),
    });
    await added.body?.cancel();
  }
  return tokens;
}
