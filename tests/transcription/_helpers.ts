/** Shared pieces for transcription tests: real recorded speech, a loopback media server, a webhook receiver. */
import { encodeWav } from "../../lib/media/wav.ts";
import { systemTool } from "../support/system_tools.ts";

export const engineSecret = "test-ttt-shared-secret-0123456789abcdef";
export const webhookSecret = "test-webhook-secret-0123456789abcdef";
export const goForwardRaw = "/usr/share/pocketsphinx/test/data/goforward.raw";

export const pocketsphinxTool = () =>
  systemTool(
    "pocketsphinx_continuous + testdata",
    ["/usr/bin/pocketsphinx_continuous"].filter(() => exists(goForwardRaw)),
    "apt-get install -y pocketsphinx pocketsphinx-en-us pocketsphinx-testdata",
  );
export const ffmpegTool = () =>
  systemTool("ffmpeg", ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"], "apt-get install -y ffmpeg");

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** A WAV file around raw 16 kHz mono s16le PCM (goforward.raw has no header). */
export function wavFromPcm(pcm: Uint8Array, sampleRate = 16_000): Uint8Array<ArrayBuffer> {
  return encodeWav(new Int16Array(pcm.slice(0, pcm.byteLength & ~1).buffer), sampleRate);
}

export function goForwardWav(): Uint8Array<ArrayBuffer> {
  return wavFromPcm(Deno.readFileSync(goForwardRaw));
}

export interface LoopbackServer extends AsyncDisposable {
  url: string;
  requests: { path: string; method: string }[];
}

/** Serves `files` (path → bytes) on loopback; other paths 404. */
export function mediaServer(files: Record<string, Uint8Array<ArrayBuffer>>): LoopbackServer {
  const requests: LoopbackServer["requests"] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const path = new URL(request.url).pathname;
    requests.push({ path, method: request.method });
    const body = files[path];
    if (!body) return new Response("not found", { status: 404 });
    return new Response(request.method === "HEAD" ? null : body, {
      headers: { "content-type": "audio/wav", "content-length": String(body.byteLength) },
    });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

export interface ReceivedWebhook {
  body: string;
  headers: Record<string, string>;
}

/** Records webhook deliveries; answers `statuses` in order (then 200). */
export function webhookReceiver(statuses: number[] = []): LoopbackServer & { received: ReceivedWebhook[] } {
  const received: ReceivedWebhook[] = [];
  const queue = [...statuses];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    received.push({ body: await request.text(), headers: Object.fromEntries(request.headers) });
    return new Response(null, { status: queue.shift() ?? 200 });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/webhooks/tttranscribe`,
    requests: [],
    received,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

export const engineHeaders = { "x-engine-auth": engineSecret };

/** A Kiln that takes engine calls, sends signed webhooks to `webhookUrl` and fetches loopback media. */
export function transcriptionEnv(webhookUrl: string): Record<string, string> {
  return {
    TTT_SHARED_SECRET: engineSecret,
    BUSINESS_ENGINE_WEBHOOK_SECRET: webhookSecret,
    BUSINESS_ENGINE_WEBHOOK_URL: webhookUrl,
    TTT_ALLOW_PRIVATE_URLS: "true",
  };
}
