/**
 * Delivery as a job: a receiver that fails is retried with backoff until it answers 2xx, every
 * attempt is visible in status, and a transcription that fails sends a signed failure webhook.
 */
import assert from "node:assert/strict";
import { verifyWebhook } from "../../lib/webhooks/standard.ts";
import type { TranscriptionWebhook } from "../../lib/transcription/webhook_payload.ts";
import { testKiln } from "../support/kiln.ts";
import { waitFor } from "../support/wait.ts";
import {
  engineHeaders,
  engineSecret,
  mediaServer,
  transcriptionEnv,
  webhookReceiver,
  webhookSecret,
} from "./_helpers.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

Deno.test("a failed transcription sends a signed failure webhook, retried until acknowledged", async () => {
  await using media = mediaServer({});
  await using receiver = webhookReceiver([500]);
  await using kiln = await testKiln(transcriptionEnv(receiver.url));
  const { id } = await (await kiln.request("/tttranscribe/transcribe", {
    json: { url: `${media.url}/missing.mp4`, requestId: "req-missing" },
    headers: engineHeaders,
  })).json();
  // The media server's 404 will not change on retry: the job fails at once.
  const failed: Json = await waitFor("the transcription to fail", async () => {
    const status: Json = await (await kiln.request(`/tttranscribe/status/${id}`, { headers: engineHeaders }))
      .json();
    return status.status === "failed" && status;
  }, 15_000);
  assert.equal(failed.error.code, "media_fetch_failed");
  assert.match(failed.error.message, /404/);
  assert.equal(failed.attempts, 1);

  const delivered: Json = await waitFor("the second delivery attempt to succeed", async () => {
    const status: Json = await (await kiln.request(`/tttranscribe/status/${id}`, { headers: engineHeaders }))
      .json();
    return status.webhook?.state === "delivered" && status;
  }, 8_000);
  assert.deepEqual(delivered.webhook.attempts.map((attempt: Json) => attempt.status), [500, 200]);
  assert.equal(receiver.received.length, 2);
  const [first, second] = receiver.received;
  assert.equal(first.headers["webhook-id"], second.headers["webhook-id"], "retries keep the message id");
  const verified = await verifyWebhook<TranscriptionWebhook>(webhookSecret, second.body, second.headers);
  assert.equal(verified.payload.type, "transcription.failed");
  assert.equal(verified.payload.requestId, "req-missing");
  assert.equal(verified.payload.error?.code, "media_fetch_failed");

  // The same requestId again is the same transcription, not a second job or webhook.
  const again: Json = await (await kiln.request("/tttranscribe/transcribe", {
    json: { url: `${media.url}/missing.mp4`, requestId: "req-missing" },
    headers: engineHeaders,
  })).json();
  assert.equal(again.id, id);
  const health: Json = await (await kiln.request("/tttranscribe/health")).json();
  assert.equal(health.jobs.failed, 1);
  assert.equal(health.jobs.accepted, 1);
});

Deno.test("an oversized media file fails at once with media_too_large", async () => {
  await using media = mediaServer({ "/big.wav": new Uint8Array(4096) });
  await using kiln = await testKiln({
    TTT_SHARED_SECRET: engineSecret,
    TTT_ALLOW_PRIVATE_URLS: "true",
    TTT_MAX_MEDIA_BYTES: "1024",
  });
  const { id } = await (await kiln.request("/tttranscribe/transcribe", {
    json: { url: `${media.url}/big.wav` },
    headers: engineHeaders,
  })).json();
  const failed: Json = await waitFor("the transcription to fail", async () => {
    const status: Json = await (await kiln.request(`/tttranscribe/status/${id}`, { headers: engineHeaders }))
      .json();
    return status.status === "failed" && status;
  });
  assert.equal(failed.error.code, "media_too_large");
  assert.equal(failed.attempts, 1, "a permanent error is not retried");
});
