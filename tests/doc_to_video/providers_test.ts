import assert from "node:assert/strict";
import { webhookToken } from "../../lib/doc_to_video/webhook.ts";
import { testKiln } from "../support/kiln.ts";
import { fakeDid } from "../providers/fake_did.ts";
import { fakeOpenRouter } from "../providers/fake_openrouter.ts";
import { finished, submitOk } from "./helpers.ts";
import { englishPdf } from "./pdfs.ts";

const webhookSecret = "test-did-webhook-secret-0123456789abcdef";

async function providerKiln(pollMs = "60000") {
  const openRouter = fakeOpenRouter();
  const did = fakeDid();
  const kiln = await testKiln({
    OPENROUTER_API_KEY: "test-openrouter-key",
    OPENROUTER_BASE_URL: openRouter.url,
    DID_API_KEY: "test-did-key",
    DID_BASE_URL: did.url,
    DID_WEBHOOK_SECRET: webhookSecret,
    DID_POLL_MS: pollMs,
  });
  const url = kiln.listen();
  // D-ID must reach the webhook: point the public URL at the listening server.
  (kiln.services.config as { publicUrl: string }).publicUrl = url;
  return { kiln, openRouter, did, url };
}

Deno.test("OpenRouter (429 then success) writes the script; D-ID's webhook delivers the video", async () => {
  const { kiln, openRouter, did } = await providerKiln();
  try {
    openRouter.failures.push(429);
    const accepted = await submitOk(kiln, await englishPdf(), { apiType: "clips", avatar: "amber" });
    const view = await finished(kiln, accepted.job_id, 15_000);
    assert.equal(view.status, "succeeded", view.error);
    // The 429 was retried after 2 s, silently.
    assert.equal(openRouter.requests.length, 2);
    assert.match(openRouter.requests[1].body.messages[0].content, /English/);
    assert.equal(did.created.length, 1);
    assert.equal(did.created[0].authorization, "Basic test-did-key");
    assert.match(String(did.created[0].body.webhook), /\/api\/did-webhook\?job=.+&token=/);
    assert.deepEqual(did.webhookResponses, [200]);
    // The webhook, not the one-minute polling interval, finished it; the result was confirmed
    // with D-ID's API (one or two GETs), never taken from the callback alone.
    assert.equal(did.polls, 2);
    const video = new Uint8Array(await (await kiln.request(view.video_url!)).arrayBuffer());
    assert.deepEqual(video, did.video);
    assert.equal(view.cost!.llm.promptTokens, 900);
    assert.ok(view.cost!.llm.usd > 0);
    assert.equal(view.cost!.video.usd, 0.05);
    const events = kiln.logs.filter((line) => line.jobId === accepted.job_id).map((line) => line.event);
    for (
      const event of [
        "llm_error",
        "llm_request",
        "llm_success",
        "video_requested",
        "video_ready",
        "job_completed",
      ]
    ) {
      assert.ok(events.includes(event), `${event} logged`);
    }
    // Replaying the webhook is a no-op; a wrong token is refused.
    const token = await webhookToken(webhookSecret, accepted.job_id);
    const replay = await kiln.request(`/api/did-webhook?job=${accepted.job_id}&token=${token}`, {
      json: { id: "clp_1", status: "done", result_url: `${did.url}/results/clp_1.mp4` },
    });
    assert.deepEqual(await replay.json(), { received: true, duplicate: true });
    const forged = await kiln.request(`/api/did-webhook?job=${accepted.job_id}&token=forged`, {
      json: { id: "clp_1", status: "done" },
    });
    assert.equal(forged.status, 401);
    assert.equal((await forged.json()).code, "webhook_signature_invalid");
    const malformed = await kiln.request(`/api/did-webhook?job=${accepted.job_id}&token=${token}`, {
      json: { id: "clp_1", status: "exploded" },
    });
    assert.equal(malformed.status, 422);
    const refused = await malformed.json();
    assert.equal(refused.code, "webhook_payload_invalid");
    assert.ok(refused.issues[0].path.startsWith("body"), JSON.stringify(refused.issues));
  } finally {
    await kiln[Symbol.asyncDispose]();
    await did[Symbol.asyncDispose]();
    await openRouter[Symbol.asyncDispose]();
  }
});

Deno.test("without a webhook, polling finds D-ID's rejection and the job fails saying so", async () => {
  const { kiln, openRouter, did } = await providerKiln("20");
  try {
    did.deliverWebhook = false;
    did.outcome = "rejected";
    const accepted = await submitOk(kiln, await englishPdf(), {
      apiType: "expressives",
      sentiment: "serious",
    });
    const view = await finished(kiln, accepted.job_id, 15_000);
    assert.equal(view.status, "failed");
    assert.equal(view.error_code, "video_rejected");
    assert.match(view.error!, /D-ID rejected the video: Rejected/);
    assert.equal(did.created[0].path, "/talks");
    assert.ok(did.polls >= 2);
    // The script is still shown for a failed video.
    assert.ok(view.script!.length > 0);
  } finally {
    await kiln[Symbol.asyncDispose]();
    await did[Symbol.asyncDispose]();
    await openRouter[Symbol.asyncDispose]();
  }
});
