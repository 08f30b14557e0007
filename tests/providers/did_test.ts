import assert from "node:assert/strict";
import { createDidProvider } from "../../lib/providers/video/did.ts";
import { VideoProviderError } from "../../lib/providers/video/types.ts";
import { fakeDid } from "./fake_did.ts";

Deno.test("D-ID adapter creates a clip with the presenter id and polls it to done", async () => {
  await using fake = fakeDid();
  fake.deliverWebhook = false;
  const did = createDidProvider({ apiKey: "test-did-key", baseUrl: fake.url });
  const created = await did.create({
    apiType: "clips",
    avatar: "amber",
    sentiment: "neutral",
    script: "Hello there.",
    language: "en",
  });
  assert.equal(created.status, "created");
  assert.equal(fake.created[0].path, "/clips");
  assert.equal(fake.created[0].body.presenter_id, "v2_public_Amber@0zSz8kflCN");
  assert.deepEqual(fake.created[0].body.script, {
    type: "text",
    input: "Hello there.",
    provider: { type: "microsoft", voice_id: "en-US-JennyNeural" },
  });
  assert.equal((await did.get("clips", created.id)).status, "started");
  const done = await did.get("clips", created.id);
  assert.equal(done.status, "done");
  assert.equal(done.durationSeconds, 21.5);
  const body = await did.download(done.resultUrl!);
  assert.equal((await new Response(body).arrayBuffer()).byteLength, 2048);
});

Deno.test("D-ID adapter sends expressives to /talks with the sentiment and reports rejections", async () => {
  await using fake = fakeDid();
  fake.deliverWebhook = false;
  fake.outcome = "rejected";
  const did = createDidProvider({ apiKey: "test-did-key", baseUrl: fake.url });
  const created = await did.create({
    apiType: "expressives",
    avatar: "william",
    sentiment: "happy",
    script: "مرحبا.",
    language: "ar",
  });
  assert.equal(fake.created[0].path, "/talks");
  assert.match(String(fake.created[0].body.source_url), /^https:/);
  assert.equal(JSON.stringify(fake.created[0].body.config).includes('"expression":"happy"'), true);
  await did.get("expressives", created.id);
  const rejected = await did.get("expressives", created.id);
  assert.equal(rejected.status, "rejected");
  assert.equal(rejected.error, "Rejected");

  const wrongKey = createDidProvider({ apiKey: "nope", baseUrl: fake.url });
  await assert.rejects(
    wrongKey.get("clips", "clp_1"),
    (error) => error instanceof VideoProviderError && error.status === 401,
  );
});
