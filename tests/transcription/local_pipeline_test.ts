/**
 * End to end with the offline recogniser on real recorded speech (pocketsphinx-testdata's
 * goforward.raw, "go forward ten meters"): URL → job → transcript, signed webhook, cache hit,
 * multipart upload.
 */
import assert from "node:assert/strict";
import { Webhook } from "standardwebhooks";
import { verifyWebhook } from "../../lib/webhooks/standard.ts";
import { testKiln } from "../support/kiln.ts";
import { waitFor } from "../support/wait.ts";
import {
  engineHeaders,
  engineSecret,
  ffmpegTool,
  goForwardWav,
  mediaServer,
  pocketsphinxTool,
  transcriptionEnv,
  webhookReceiver,
  webhookSecret,
} from "./_helpers.ts";

const ignore = pocketsphinxTool().ignore || ffmpegTool().ignore;

// deno-lint-ignore no-explicit-any
type Json = any;

Deno.test({
  name: "a media URL is transcribed offline, signed webhook delivered, repeat served from cache",
  ignore,
  async fn() {
    await using media = mediaServer({ "/clip.wav": goForwardWav() });
    await using receiver = webhookReceiver();
    await using kiln = await testKiln(transcriptionEnv(receiver.url));
    const started = await kiln.request("/tttranscribe/transcribe", {
      json: { url: `${media.url}/clip.wav?utm_source=app`, requestId: "req-1" },
      headers: engineHeaders,
    });
    assert.equal(started.status, 202);
    const accepted: Json = await started.json();
    assert.equal(accepted.status, "queued");
    assert.match(accepted.statusUrl, new RegExp(`/tttranscribe/status/${accepted.id}$`));

    const done: Json = await waitFor("the transcription to complete", async () => {
      const status: Json =
        await (await kiln.request(`/tttranscribe/status/${accepted.id}`, { headers: engineHeaders })).json();
      assert.notEqual(status.status, "failed", JSON.stringify(status.error));
      return status.status === "completed" && status;
    }, 20_000);
    assert.equal(done.result.transcription, "go forward ten meters");
    assert.equal(done.result.truncated, false);
    assert.equal(done.result.language, "en");
    assert.ok(Math.abs(done.result.durationSeconds - 2.9) < 0.5, `duration ${done.result.durationSeconds}`);
    assert.equal(done.result.summary, "go forward ten meters");
    assert.equal(done.progress, 100);
    // The recogniser's own timings: one utterance, four timed words inside the 2.9 s clip.
    assert.equal(done.result.segments.length, 1);
    const [segment] = done.result.segments;
    assert.equal(segment.text, "go forward ten meters");
    assert.ok(segment.start > 0.3 && segment.start < 0.6, `starts at ${segment.start}`);
    assert.ok(segment.end > 1.9 && segment.end < 2.4, `ends at ${segment.end}`);
    assert.deepEqual(segment.words.map((word: Json) => word.word), ["go", "forward", "ten", "meters"]);
    for (const word of segment.words) {
      assert.ok(word.start >= segment.start && word.end <= segment.end && word.start < word.end);
      assert.ok(word.confidence > 0 && word.confidence <= 1);
    }
    // The seed's result fields, from the decoder and the audio.
    assert.ok(
      done.result.confidence > 0.5 && done.result.confidence < 1,
      `confidence ${done.result.confidence}`,
    );
    assert.equal(done.result.duration, done.result.durationSeconds);
    assert.equal(done.result.wordCount, 4);
    assert.equal(done.result.speakerCount, null, "no diarisation: unknown, not a made-up 1");
    assert.equal(done.result.audioQuality, "high", "a clean close-talk recording");
    assert.ok(done.result.processingTime > 0 && done.result.processingTime < 20);

    const delivered = await waitFor("the webhook", () => receiver.received[0], 5_000);
    const library = new Webhook(new TextEncoder().encode(webhookSecret), { format: "raw" });
    const payload: Json = library.verify(delivered.body, delivered.headers);
    assert.equal(payload.requestId, "req-1");
    assert.equal(payload.status, "completed");
    assert.equal(payload.result.transcription, "go forward ten meters");
    assert.equal(delivered.headers["x-idempotency-key"], delivered.headers["webhook-id"]);
    const verified = await verifyWebhook(webhookSecret, delivered.body, delivered.headers);
    assert.equal(verified.messageId, delivered.headers["webhook-id"]);
    const withDelivery: Json = await waitFor("the delivery to be recorded", async () => {
      const status: Json =
        await (await kiln.request(`/tttranscribe/status/${accepted.id}`, { headers: engineHeaders })).json();
      return status.webhook?.state === "delivered" && status;
    });
    assert.equal(withDelivery.webhook.attempts[0].status, 200);

    // The same media with different tracking parameters and a fragment is one cache entry.
    const again = await kiln.request("/tttranscribe/transcribe", {
      json: { url: `${media.url}/clip.wav#t=1` },
      headers: engineHeaders,
    });
    const cachedAccepted: Json = await again.json();
    assert.equal(again.status, 202);
    assert.equal(cachedAccepted.cached, true);
    const cached: Json =
      await (await kiln.request(`/tttranscribe/status/${cachedAccepted.id}`, { headers: engineHeaders }))
        .json();
    assert.equal(cached.status, "completed");
    assert.equal(cached.result.transcription, "go forward ten meters");
    assert.equal(media.requests.filter((request) => request.method === "GET").length, 1, "downloaded once");

    const estimate: Json = await (await kiln.request("/tttranscribe/estimate", {
      json: { url: `${media.url}/clip.wav` },
      headers: engineHeaders,
    })).json();
    assert.equal(estimate.cached, true);
    assert.equal(estimate.estimatedCredits, 1);
    assert.equal(estimate.estimatedDurationSeconds, done.result.durationSeconds);

    const health: Json = await (await kiln.request("/tttranscribe/health")).json();
    assert.equal(health.cache.hits, 1);
    assert.equal(health.cache.hitRate, 0.5);
    assert.equal(health.jobs.completed, 2);
  },
});

Deno.test({
  name: "a multipart audio upload is transcribed without a media URL",
  ignore,
  async fn() {
    await using kiln = await testKiln({ TTT_SHARED_SECRET: engineSecret });
    const form = new FormData();
    form.append("file", new File([goForwardWav() as BlobPart], "memo.wav", { type: "audio/wav" }));
    const started = await kiln.request("/tttranscribe/transcribe", {
      method: "POST",
      body: form,
      headers: engineHeaders,
    });
    assert.equal(started.status, 202);
    const { id }: Json = await started.json();
    const done: Json = await waitFor("the upload to be transcribed", async () => {
      const status: Json =
        await (await kiln.request(`/tttranscribe/status/${id}`, { headers: engineHeaders })).json();
      return ["completed", "failed"].includes(status.status) && status;
    }, 20_000);
    assert.equal(done.status, "completed", JSON.stringify(done.error));
    assert.equal(done.result.transcription, "go forward ten meters");
    const leftovers = await Array.fromAsync(kiln.services.blobs.list("tttranscribe/"));
    assert.deepEqual(leftovers, [], "the upload is deleted after transcription");
  },
});
