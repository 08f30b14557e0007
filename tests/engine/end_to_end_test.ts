/**
 * The whole metered flow against the REAL transcription service mounted in the same Kiln: the
 * engine calls /tttranscribe over loopback HTTP, the offline recogniser (pocketsphinx) transcribes
 * real recorded speech (pocketsphinx-testdata's goforward.raw, "go forward ten meters"), and the
 * service's signed webhook settles the credits.
 */
import assert from "node:assert/strict";
import { type TestKiln, testKiln } from "../support/kiln.ts";
import { waitFor } from "../support/wait.ts";
import { ffmpegTool, goForwardWav, mediaServer, pocketsphinxTool } from "../transcription/_helpers.ts";
import { adminKey, balance, bearer, grant, type Json, jwtSecret, userToken } from "./_helpers.ts";

const ignore = pocketsphinxTool().ignore || ffmpegTool().ignore;

Deno.test({
  name: "metered transcription end to end: hold → real transcription → signed webhook → charged once",
  ignore,
  async fn() {
    await using media = mediaServer({ "/clip.wav": goForwardWav() });
    // The Kiln must know its own address before it starts: a loopback listener forwards to it.
    const started: { kiln?: TestKiln } = {};
    await using front = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (request, info) =>
        started.kiln ? started.kiln.app.fetch(request, info) : new Response("starting", { status: 503 }),
    );
    const base = `http://127.0.0.1:${front.addr.port}`;
    const kiln = started.kiln = await testKiln({
      KILN_PUBLIC_URL: base,
      ENGINE_ADMIN_KEY: adminKey,
      ENGINE_JWT_SECRET: jwtSecret,
      TTT_ALLOW_PRIVATE_URLS: "true",
      ASR_PROVIDER: "local",
    });
    try {
      const token = await userToken(kiln, "rosa");
      await grant(kiln, "rosa", 5);
      const response = await kiln.request("/transcribe", {
        json: { url: `${media.url}/clip.wav` },
        headers: bearer(token),
      });
      assert.equal(response.status, 202, await response.clone().text());
      const accepted: Json = await response.json();
      assert.ok(accepted.credits.held >= 1);

      const done: Json = await waitFor("the metered transcription to settle", async () => {
        const status: Json =
          await (await kiln.request(`/status/${accepted.requestId}`, { headers: bearer(token) })).json();
        assert.notEqual(status.status, "failed", JSON.stringify(status.error));
        return status.status === "completed" && status;
      }, 25_000);
      assert.equal(done.result.transcription, "go forward ten meters");
      assert.equal(done.credits.charged, 1); // ~3 s of audio: max(1, ceil(0.05 × 1))
      const after = await balance(kiln, token);
      assert.deepEqual([after.balance, after.heldCredits], [4, 0]);
    } finally {
      await kiln[Symbol.asyncDispose]();
    }
  },
});
