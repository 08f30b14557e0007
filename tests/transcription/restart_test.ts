/**
 * An accepted transcription survives `kill -9` of the server in the middle of the job: the next
 * start recovers it (lease expiry + sweep) and finishes it with the real offline recogniser.
 */
import assert from "node:assert/strict";
import { startServerProcess } from "../support/server_process.ts";
import { deadline, waitFor } from "../support/wait.ts";
import { engineHeaders, engineSecret, ffmpegTool, goForwardWav, pocketsphinxTool } from "./_helpers.ts";

function startServer(dataDir: string) {
  return startServerProcess(dataDir, {
    KILN_JOB_LEASE_MS: "1500",
    KILN_JOB_SWEEP_MS: "200",
    // The kill plays an external one: the job may survive one process death (default: quarantine).
    KILN_JOB_CRASH_RETRIES: "1",
    TTT_SHARED_SECRET: engineSecret,
    TTT_ALLOW_PRIVATE_URLS: "true",
  });
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
