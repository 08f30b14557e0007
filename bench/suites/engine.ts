/**
 * Business engine: `POST /v1/vend-token` throughput and latency through the production stack
 * (`deno run -A main.ts`, KV file): each request verifies a user JWT (HS256), takes the hourly
 * rate-limit slot, and commits the ledger (account + charge entry) with a version check, then signs
 * the service token. 50 users each run one request loop for 5 s (after 1 s of warm-up); at the end
 * every balance is read back: credits spent must equal tokens received (no lost or double charge).
 */
import {
  fundUsers,
  kilnProcessEnv,
  percentile,
  randomToken,
  type Row,
  row,
  startServer,
  tempDir,
} from "../support.ts";

const users = 50;
const creditsEach = 1_000_000;
const warmupMs = 1_000;
const measureMs = 5_000;

export async function run(): Promise<Row[]> {
  await using data = await tempDir("kiln-bench-engine-");
  const adminKey = randomToken();
  await using server = await startServer("main.ts", {
    readyPath: "/health",
    env: kilnProcessEnv(data.path, {
      ENGINE_ADMIN_KEY: adminKey,
      ENGINE_JWT_SECRET: randomToken() + randomToken(),
      ENGINE_VEND_LIMIT_PER_HOUR: "1000000000",
    }),
  });
  const tokens = await fundUsers(server.url, adminKey, {
    count: users,
    prefix: "bench",
    credits: creditsEach,
  });

  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const loop = async (token: string, until: number, record: boolean) => {
    while (performance.now() < until) {
      const started = performance.now();
      const response = await fetch(`${server.url}/v1/vend-token`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: "{}",
      });
      await response.body?.cancel();
      if (!record) continue;
      latencies.push(performance.now() - started);
      if (response.status === 200) ok++;
      else failed++;
    }
  };
  await Promise.all(tokens.map((token) => loop(token, performance.now() + warmupMs, false)));
  const measureStart = performance.now();
  await Promise.all(tokens.map((token) => loop(token, measureStart + measureMs, true)));
  const seconds = (performance.now() - measureStart) / 1000;

  let spent = 0;
  for (const token of tokens) {
    const balance = await (await fetch(`${server.url}/v1/credits/balance`, {
      headers: { authorization: `Bearer ${token}` },
    }))
      .json();
    spent += creditsEach - balance.balance;
  }
  const vendsSeen = await countVends(server.url, tokens);
  return [
    row(`engine vend-token req/s (${users} users, fetch loops, ${measureMs / 1000}s)`, ok / seconds, "req/s"),
    row("engine vend-token p50 latency", percentile(latencies, 50), "ms"),
    row("engine vend-token p99 latency", percentile(latencies, 99), "ms"),
    row("engine vend-token errors", failed, "responses", { target: { op: "==", value: 0 } }),
    row("engine credits spent − tokens vended (ledger drift)", spent - vendsSeen, "credits", {
      target: { op: "==", value: 0 },
    }),
  ];
}

/** Charge entries in every user's ledger (one per vended token, warm-up included). */
async function countVends(url: string, tokens: string[]): Promise<number> {
  let count = 0;
  for (const token of tokens) {
    let cursor: string | null = "";
    while (cursor !== null) {
      const page: { items: { type: string }[]; nextCursor: string | null } = await (await fetch(
        `${url}/v1/credits/transactions?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        { headers: { authorization: `Bearer ${token}` } },
      )).json();
      count += page.items.filter((entry) => entry.type === "charge").length;
      cursor = page.nextCursor;
    }
  }
  return count;
}
