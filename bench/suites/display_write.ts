/**
 * Display update write path (issue 15: ≥ 0.8× a Hono + Deno KV app doing the same work, same run).
 *
 * Kiln runs as in production (`deno run -A main.ts`, a KV file, access log on to /dev/null); the
 * baseline is `bench/hono_kv_server.ts` (bearer check, JSON body check, one version-checked
 * `kv.atomic()` per update with a retry loop). Each is driven by wrk (one thread) with
 * `POST /conversation/:id/update` carrying one `confirmation` update and the service token, in two
 * shapes: 20 sessions × 20 connections (requests spread round-robin over the sessions), and
 * 1 session × 10 concurrent writers (every request contends for the same session).
 */
import {
  generateLoad,
  kilnProcessEnv,
  type LoadResult,
  randomToken,
  type Row,
  row,
  startServer,
  tempDir,
} from "../support.ts";

const warmupSeconds = 1;
const measureSeconds = 5;
const shapes = [
  { name: "20 sessions × 20 connections", sessions: 20, connections: 20 },
  { name: "1 session × 10 writers", sessions: 1, connections: 10 },
];

async function measure(base: string, token: string, sessionIds: string[], connections: number) {
  const request = {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ type: "confirmation", data: { title: "Order confirmed", message: "bench" } }),
  };
  const paths = sessionIds.map((id) => `/conversation/${id}/update`);
  const options = { connections, request, paths };
  await generateLoad(`${base}${paths[0]}`, { ...options, durationSeconds: warmupSeconds });
  return await generateLoad(`${base}${paths[0]}`, { ...options, durationSeconds: measureSeconds });
}

async function initSessions(base: string, token: string, count: number, prefix: string) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `${prefix}-${i}`;
    const response = await fetch(`${base}/conversation/${id}/init`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ tenantId: "bench" }),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`init ${id} answered ${response.status}`);
    ids.push(id);
  }
  return ids;
}

async function runAll(base: string, token: string): Promise<LoadResult[]> {
  const results: LoadResult[] = [];
  for (const [index, shape] of shapes.entries()) {
    const ids = await initSessions(base, token, shape.sessions, `bench${index}`);
    results.push(await measure(base, token, ids, shape.connections));
  }
  return results;
}

export async function run(): Promise<Row[]> {
  const token = randomToken();
  let baseline: LoadResult[];
  {
    await using data = await tempDir("kiln-bench-honokv-");
    await using server = await startServer("bench/hono_kv_server.ts", {
      readyPath: "/health",
      env: { KV_PATH: `${data.path}/kv.sqlite3`, TOKEN: token },
    });
    baseline = await runAll(server.url, token);
  }
  let kiln: LoadResult[];
  {
    await using data = await tempDir("kiln-bench-display-write-");
    await using server = await startServer("main.ts", {
      readyPath: "/health",
      env: kilnProcessEnv(data.path, { DISPLAY_SERVICE_TOKEN: token }),
    });
    kiln = await runAll(server.url, token);
  }
  return shapes.flatMap((shape, i) => [
    row(
      `display write Hono+KV baseline, ${shape.name} (${baseline[i].tool} ${measureSeconds}s)`,
      baseline[i].requestsPerSecond,
      "updates/s",
    ),
    row(`display write kiln, ${shape.name}`, kiln[i].requestsPerSecond, "updates/s", {
      baseline: baseline[i].requestsPerSecond,
      target: { on: "ratio", op: ">=", value: 0.8 },
    }),
    row(`display write kiln p99 latency, ${shape.name}`, kiln[i].p99Ms, "ms", {
      baseline: baseline[i].p99Ms,
    }),
    row(
      `display write errors (non-2xx + socket), ${shape.name}`,
      kiln[i].non2xx + kiln[i].errors,
      "responses",
      {
        baseline: baseline[i].non2xx + baseline[i].errors,
        target: { op: "==", value: 0 },
      },
    ),
  ]);
}
