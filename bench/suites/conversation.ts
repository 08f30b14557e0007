/**
 * Display fan-out (SPEC §3: display `update` → browser-side event p99 < 20 ms with 1,000 SSE
 * clients). The whole Kiln app serves one conversation session on loopback; 1,000 SSE clients on a
 * worker thread (like browsers on their own CPUs) follow `GET /conversation/:id/display`. Updates
 * are POSTed to `/conversation/:id/update` over HTTP with the service token, each carrying its send
 * time; every client records send→receipt. Then a burst of updates measures delivered updates/s.
 */
import {
  delay,
  openFileLimit,
  percentile,
  randomToken,
  type Row,
  row,
  servedKiln,
  withDeadline,
} from "../support.ts";

const wantedClients = 1_000;
const warmup = 3;
const measured = 100;
const burst = 300;

/**
 * The client fleet, a module worker built from source (this suite owns no other file). Clients are
 * raw HTTP/1.1 sockets parsed with the live suite's `HttpResponseReader`/`SseParser`: "the bytes
 * reached the client's socket", without 1,000 fetch clients' own cost on a two-core machine.
 */
const workerSource = `
import { HttpResponseReader, SseParser } from "${new URL("../live_clients.ts", import.meta.url).href}";
const now = () => performance.timeOrigin + performance.now();
const latencies = [], failures = [], connections = [];
const arrivals = new Map();
let options, connected = 0, closing = false;
async function client() {
  const url = new URL(options.url);
  const connection = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  connections.push(connection);
  const request = "GET " + url.pathname + url.search + " HTTP/1.1\\r\\nhost: " + url.host +
    "\\r\\naccept: text/event-stream\\r\\n\\r\\n";
  await connection.write(new TextEncoder().encode(request));
  const http = new HttpResponseReader(), parser = new SseParser(), decoder = new TextDecoder();
  const buffer = new Uint8Array(64 * 1024);
  let greeted = false;
  try {
    while (true) {
      const n = await connection.read(buffer);
      if (n === null) break;
      const received = now();
      for (const chunk of http.push(buffer.subarray(0, n))) {
        for (const message of parser.push(decoder.decode(chunk, { stream: true }))) {
          if (message.event === "state" && !greeted) {
            greeted = true;
            if (++connected === options.clients) postMessage({ type: "connected" });
          } else if (message.event === "update" && message.data) {
            const [, index, sent] = JSON.parse(message.data).data.title.split(":").map(Number);
            if (index >= options.warmup) latencies.push(received - sent);
            const count = (arrivals.get(index) ?? 0) + 1;
            arrivals.set(index, count);
            if (count === options.clients) postMessage({ type: "arrived", i: index });
          }
        }
      }
    }
    if (!closing) failures.push("the server ended the stream");
  } catch (error) {
    if (!closing) failures.push(String(error));
  }
}
self.onmessage = async ({ data }) => {
  if (data.type === "start") {
    options = data.options;
    for (let i = 0; i < options.clients; i += 100) {
      const batch = [];
      for (let j = i; j < Math.min(i + 100, options.clients); j++) batch.push(client().catch((error) => failures.push(String(error))));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } else if (data.type === "finish") {
    closing = true;
    postMessage({ type: "result", latencies, failures });
    for (const connection of connections) {
      try { connection.close(); } catch { /* already closed */ }
    }
  }
};`;

export async function run(): Promise<Row[]> {
  const limit = await openFileLimit();
  const clients = Math.max(1, Math.min(wantedClients, Math.floor((limit - 200) / 2)));
  const serviceToken = randomToken();
  await using served = await servedKiln("kiln-bench-conversation-", { DISPLAY_SERVICE_TOKEN: serviceToken });
  const { base } = served;
  const headers = { authorization: `Bearer ${serviceToken}`, "content-type": "application/json" };
  const workerUrl = URL.createObjectURL(new Blob([workerSource], { type: "application/javascript" }));
  const worker = new Worker(workerUrl, { type: "module" });
  try {
    const init = await (await fetch(`${base}/conversation/new/init`, {
      method: "POST",
      headers,
      body: JSON.stringify({ tenantId: "bench" }),
    })).json();
    const token = new URL(init.displayUrl).searchParams.get("token");
    const arrivals = new Map<number, PromiseWithResolvers<void>>();
    const arrival = (i: number) => arrivals.get(i) ?? arrivals.set(i, Promise.withResolvers()).get(i)!;
    const connected = Promise.withResolvers<void>();
    const result = Promise.withResolvers<{ latencies: number[]; failures: string[] }>();
    worker.onmessage = ({ data }) => {
      if (data.type === "connected") connected.resolve();
      else if (data.type === "arrived") arrival(data.i).resolve();
      else if (data.type === "result") result.resolve(data);
    };
    worker.postMessage({
      type: "start",
      options: { url: `${base}/conversation/${init.sessionId}/display?token=${token}`, clients, warmup },
    });
    await withDeadline(connected.promise, 30_000, `${clients} display clients to connect`);

    const post = async (i: number) => {
      const sent = performance.timeOrigin + performance.now();
      const response = await fetch(`${base}/conversation/${init.sessionId}/update`, {
        method: "POST",
        headers,
        body: JSON.stringify({ type: "confirmation", data: { title: `b:${i}:${sent}` } }),
      });
      await response.body?.cancel();
      if (response.status !== 201) throw new Error(`update ${i} answered ${response.status}`);
    };
    let missed = 0;
    for (let i = 0; i < warmup + measured; i++) {
      await post(i);
      await withDeadline(arrival(i).promise, 5_000, `update ${i} at every client`).catch(() => missed++);
      await delay(10);
    }
    const burstStarted = performance.now();
    const first = warmup + measured;
    for (let i = first; i < first + burst; i++) await post(i);
    await withDeadline(arrival(first + burst - 1).promise, 30_000, "the burst at every client").catch(() =>
      missed++
    );
    const burstSeconds = (performance.now() - burstStarted) / 1000;
    console.error(`bench: conversation: measured phase and burst done (${missed} missed)`);
    worker.postMessage({ type: "finish" });
    const { latencies, failures } = await withDeadline(result.promise, 15_000, "the client worker to finish");
    if (failures.length > 0) {
      throw new Error(`${failures.length} display clients failed, e.g. ${failures[0]}`);
    }
    const steady = latencies.slice(0, measured * clients);
    console.error(
      `bench: conversation: ${clients} clients; update→receipt p50 ${
        percentile(steady, 50).toFixed(2)
      } ms, ` +
        `p99 ${percentile(steady, 99).toFixed(2)} ms; burst ${
          (burst / burstSeconds).toFixed(0)
        } updates/s to every client`,
    );
    return [
      row(
        `display update→SSE receipt p50 (${clients} clients × ${measured} updates)`,
        percentile(steady, 50),
        "ms",
      ),
      row(
        "display update→SSE receipt p99 (1 session, raw-socket SSE clients on own thread)",
        percentile(steady, 99),
        "ms",
        {
          target: { op: "<", value: 20 },
        },
      ),
      row(
        `display updates/s delivered to all ${clients} clients (sequential POSTs)`,
        burst / burstSeconds,
        "updates/s",
      ),
      row("display missed deliveries", missed, "events", { target: { op: "==", value: 0 } }),
    ];
  } finally {
    worker.terminate();
    URL.revokeObjectURL(workerUrl);
  }
}
