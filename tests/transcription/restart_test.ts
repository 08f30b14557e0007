/**
 * An accepted transcription survives `kill -9` of the server in the middle of the job: the next
 * start recovers it (lease expiry + sweep) and finishes it with the real offline recogniser.
 */
import assert from "node:assert/strict";
import { testAdminToken } from "../support/kiln.ts";
import { deadline, waitFor } from "../support/wait.ts";
import { engineHeaders, engineSecret, ffmpegTool, goForwardWav, pocketsphinxTool } from "./_helpers.ts";

const root = new URL("../..", import.meta.url).pathname;

interface ServerProcess {
  url: string;
  child: Deno.ChildProcess;
  finished: Promise<void>;
}

async function startServer(dataDir: string): Promise<ServerProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: root,
    env: {
      PORT: "0",
      KILN_DATA_DIR: dataDir,
      KILN_ADMIN_TOKEN: testAdminToken,
      KILN_ACCESS_LOG: "false",
      KILN_JOB_LEASE_MS: "1500",
      KILN_JOB_SWEEP_MS: "200",
      TTT_SHARED_SECRET: engineSecret,
      TTT_ALLOW_PRIVATE_URLS: "true",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines: Record<string, unknown>[] = [];
  const finished = (async () => {
    let buffer = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        if (line.startsWith("{")) lines.push(JSON.parse(line));
      }
    }
  })();
  const listening = await waitFor(
    "the server to listen",
    () => lines.find((line) => line.event === "server_listening"),
    15_000,
  );
  return { url: String(listening.url), child, finished };
}

Deno.test({
  name: "kill -9 during a transcription: the next start finishes it",
  ignore: pocketsphinxTool().ignore || ffmpegTool().ignore,
  async fn() {
    const wav = goForwardWav();
    let gets = 0;
    const firstDownloadStarted = Promise.withResolvers<void>();
    const media = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
      gets++;
      if (gets > 1) return new Response(wav, { headers: { "content-type": "audio/wav" } });
      // The first download sends a little and then stalls: the server is killed mid-job.
      firstDownloadStarted.resolve();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(wav.subarray(0, 1024));
        },
      });
      return new Response(body, { headers: { "content-type": "audio/wav" } });
    });
    const dataDir = await Deno.makeTempDir({ prefix: "kiln-ttt-restart-" });
    try {
      const first = await startServer(dataDir);
      const response = await fetch(`${first.url}/tttranscribe/transcribe`, {
        method: "POST",
        headers: { ...engineHeaders, "content-type": "application/json" },
        body: JSON.stringify({ url: `http://127.0.0.1:${media.addr.port}/clip.wav` }),
      });
      assert.equal(response.status, 202);
      const { id } = await response.json();
      await deadline(firstDownloadStarted.promise, "the job to start downloading", 10_000);
      const running =
        await (await fetch(`${first.url}/tttranscribe/status/${id}`, { headers: engineHeaders })).json();
      assert.equal(running.status, "processing");

      first.child.kill("SIGKILL");
      await first.child.status;
      await first.finished;

      const second = await startServer(dataDir);
      try {
        const done = await waitFor("the transcription to finish after restart", async () => {
          const status =
            await (await fetch(`${second.url}/tttranscribe/status/${id}`, { headers: engineHeaders })).json();
          return ["completed", "failed"].includes(status.status) && status;
        }, 20_000);
        assert.equal(done.status, "completed", JSON.stringify(done.error));
        assert.equal(done.result.transcription, "go forward ten meters");
        assert.equal(gets, 2, "the stalled download was restarted once");
      } finally {
        second.child.kill("SIGTERM");
        await second.child.status;
        await second.finished;
      }
    } finally {
      await media.shutdown();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
