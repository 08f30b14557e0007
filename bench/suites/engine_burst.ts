/**
 * Business engine under a burst (issue 13's outage): 50 funded users each start one metered
 * transcription at the same moment against the production stack (`deno run -A main.ts`, KV file).
 * The engine reaches its own transcription service in-process, so every request must be accepted
 * (202) and the breaker must stay closed; then the real pipeline runs (loopback media, ffmpeg, a
 * loopback OpenAI-compatible recogniser, the signed webhook) and every user must be charged
 * exactly once. Reports the accept latency and the time until every request settled.
 */
import { wavFromPcm } from "../../tests/transcription/_helpers.ts";
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

export async function run(): Promise<Row[]> {
  await using data = await tempDir("kiln-bench-burst-");
  await using media = serveMedia();
  await using asr = serveAsr();
  const adminKey = randomToken();
  await using server = await startServer("main.ts", {
    readyPath: "/health",
    env: kilnProcessEnv(data.path, {
      ENGINE_ADMIN_KEY: adminKey,
      ENGINE_JWT_SECRET: randomToken() + randomToken(),
      TTT_ALLOW_PRIVATE_URLS: "true",
      ASR_PROVIDER: "openai",
      OPENAI_API_KEY: "sk-bench",
      OPENAI_ASR_BASE_URL: asr.url,
      KILN_ACCESS_LOG: "false",
    }),
  });
  const tokens = await fundUsers(server.url, adminKey, { count: users, prefix: "burst", credits: 3 });

  const burstStart = performance.now();
  const latencies: number[] = [];
  const answers = await Promise.all(tokens.map(async (token, index) => {
    const started = performance.now();
    const response = await fetch(`${server.url}/transcribe`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ url: `${media.url}/clip-${index}.wav` }),
    });
    latencies.push(performance.now() - started);
    return { status: response.status, body: await response.json() };
  }));
  const accepted = answers.filter((answer) => answer.status === 202).length;
  const health = await (await fetch(`${server.url}/health/services`)).json();
  const breakerClosed = health.services?.tttranscribe?.circuitBreaker?.state === "closed" ? 1 : 0;

  const deadline = performance.now() + 120_000;
  let settled = 0;
  while (performance.now() < deadline) {
    const views = await Promise.all(
      answers.map(async (answer, index) =>
        answer.status === 202
          ? (await (await fetch(`${server.url}/status/${answer.body.requestId}`, {
            headers: { authorization: `Bearer ${tokens[index]}` },
          })).json()).status
          : "refused"
      ),
    );
    settled = views.filter((status) => status === "completed" || status === "failed").length;
    if (settled === accepted) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const settleSeconds = (performance.now() - burstStart) / 1000;

  let drift = 0;
  for (const token of tokens) {
    const balance = await (await fetch(`${server.url}/v1/credits/balance`, {
      headers: { authorization: `Bearer ${token}` },
    })).json();
    drift += Math.abs(3 - 1 - balance.balance) + balance.heldCredits; // charged exactly 1, nothing held
  }
  return [
    row(`engine burst: ${users} users × 1 metered transcription accepted`, accepted, "× 202", {
      target: { op: "==", value: users },
    }),
    row("engine burst: breaker closed after the burst", breakerClosed, "(1 = closed)", {
      target: { op: "==", value: 1 },
    }),
    row("engine burst: POST /transcribe p50 latency", percentile(latencies, 50), "ms"),
    row("engine burst: POST /transcribe p99 latency", percentile(latencies, 99), "ms"),
    row(`engine burst: all ${users} settled (pipeline + webhook)`, settleSeconds, "s"),
    row("engine burst: credits off from one charge each", drift, "credits", {
      target: { op: "==", value: 0 },
    }),
  ];
}

/** 3 s of a 220 Hz tone as a 16 kHz mono WAV at any path. */
function serveMedia() {
  const pcm = new Int16Array(16_000 * 3).map((_, i) =>
    Math.round(Math.sin((2 * Math.PI * 220 * i) / 16_000) * 3000)
  );
  const wav = wavFromPcm(new Uint8Array(pcm.buffer));
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) =>
      new Response(request.method === "HEAD" ? null : wav, {
        headers: { "content-type": "audio/wav", "content-length": String(wav.byteLength) },
      }),
  );
  return { url: `http://127.0.0.1:${server.addr.port}`, [Symbol.asyncDispose]: () => server.shutdown() };
}

/** An OpenAI-compatible `/v1/audio/transcriptions` answering verbose_json at once. */
function serveAsr() {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    await request.formData();
    return Response.json({
      text: "a steady tone",
      language: "english",
      segments: [{ start: 0, end: 3, text: "a steady tone", avg_logprob: -0.2 }],
    });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, [Symbol.asyncDispose]: () => server.shutdown() };
}
