/**
 * HTTP throughput (issue 15: Kiln's `GET /health` ≥ 1.0× a Hono app with the middleware a Hono user
 * adds — request-id, secure-headers, a prom-client histogram, a JSON access log — same run; the bare
 * Deno.serve + Hono figure is kept for reference).
 *
 * All three servers run as subprocesses (each gets a core; the load generator, wrk with one thread, gets
 * the other) and see identical load: 10 s warm-up (Kiln finishes its start-up work: decoder pools, tool probes), then 5 s measured, 50 keep-alive connections.
 * Kiln runs as in production — `deno run -A main.ts`, a KV file, access log on (to /dev/null) — and
 * is measured on `GET /health`, which passes the whole middleware stack and reads KV; an unknown
 * path (404 problem+json: middleware, no route work, no KV) shows the stack's own floor.
 */
import {
  generateLoad,
  kilnProcessEnv,
  type LoadResult,
  type Row,
  row,
  startServer,
  tempDir,
} from "../support.ts";

const connections = 50;
const warmupSeconds = 10;
const measureSeconds = 5;

async function measure(url: string): Promise<LoadResult> {
  await generateLoad(url, { connections, durationSeconds: warmupSeconds });
  return await generateLoad(url, { connections, durationSeconds: measureSeconds });
}

export async function run(): Promise<Row[]> {
  let bare: LoadResult;
  {
    await using server = await startServer("bench/bare_server.ts", { readyPath: "/health" });
    bare = await measure(`${server.url}/health`);
  }
  if (bare.non2xx + bare.errors > 0) {
    throw new Error(
      `the bare server answered ${bare.non2xx} non-2xx responses and ${bare.errors} socket errors`,
    );
  }

  let stack: LoadResult;
  {
    await using server = await startServer("bench/hono_stack_server.ts", { readyPath: "/health" });
    stack = await measure(`${server.url}/health`);
  }

  let kiln: LoadResult;
  let floor: LoadResult;
  {
    await using data = await tempDir("kiln-bench-http-");
    await using server = await startServer("main.ts", {
      readyPath: "/health",
      env: kilnProcessEnv(data.path),
    });
    kiln = await measure(`${server.url}/health`);
    // The same stack without any route work or KV: an unknown path answered with problem+json 404.
    floor = await measure(`${server.url}/bench-no-such-route`);
  }

  const load = `${kiln.tool} c${connections} ${measureSeconds}s`;
  return [
    row(`http bare Deno.serve+Hono req/s (${load})`, bare.requestsPerSecond, "req/s"),
    row("http bare p50 latency", bare.p50Ms, "ms"),
    row("http bare p99 latency", bare.p99Ms, "ms"),
    row(
      "http Hono + request-id, secure-headers, prom-client, JSON log req/s",
      stack.requestsPerSecond,
      "req/s",
    ),
    row("http kiln GET /health req/s vs Hono with a user's middleware", kiln.requestsPerSecond, "req/s", {
      baseline: stack.requestsPerSecond,
      target: { on: "ratio", op: ">=", value: 1.0 },
    }),
    row("http kiln GET /health req/s vs bare Hono (reference)", kiln.requestsPerSecond, "req/s", {
      baseline: bare.requestsPerSecond,
    }),
    row("http kiln p50 latency", kiln.p50Ms, "ms", { baseline: bare.p50Ms }),
    row("http kiln p99 latency", kiln.p99Ms, "ms", { baseline: bare.p99Ms }),
    row("http kiln errors (non-2xx + socket)", kiln.non2xx + kiln.errors, "responses", {
      target: { op: "==", value: 0 },
    }),
    row("http kiln middleware only (404, no KV) req/s", floor.requestsPerSecond, "req/s", {
      baseline: bare.requestsPerSecond,
    }),
  ];
}
