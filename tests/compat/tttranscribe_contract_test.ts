/**
 * The original TTTranscribe contract checks (test-contract.js, 35 assertions), replayed over real
 * HTTP against Kiln's `/tttranscribe` with the fixture's requests: a TikTok page URL (served by the
 * loopback fake TikTok) is accepted, polled to completion and every field the client reads is
 * there with the type it expects; auth and bad-body errors carry `error` and `message`. The two
 * documented deviations are asserted as such: `request_id` is sent (the live server sends it) and
 * `speakerCount` is null (no diarisation).
 */
import assert from "node:assert/strict";
import { fakeOpenAi } from "../providers/fake_openai_asr.ts";
import { testKiln } from "../support/kiln.ts";
import { waitFor } from "../support/wait.ts";
import { engineSecret, ffmpegTool, goForwardWav } from "../transcription/_helpers.ts";
import { fakeTikTok } from "../transcription/fake_tiktok.ts";
import { field, fixture, type Json } from "./_fields.ts";

const contract = fixture("tttranscribe_contract.json");

function headersOf(template: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(template).map((
      [name, value],
    ) => [name, value.replace("<ENGINE_SHARED_SECRET>", engineSecret)]),
  );
}

Deno.test({
  name: "the original TTTranscribe contract checks pass against Kiln (TikTok URL, status, result, errors)",
  ignore: ffmpegTool().ignore,
  async fn() {
    await using tiktok = fakeTikTok(goForwardWav());
    await using asr = fakeOpenAi();
    await using kiln = await testKiln({
      TTT_SHARED_SECRET: engineSecret,
      TTT_ALLOW_PRIVATE_URLS: "true",
      ASR_PROVIDER: "openai",
      OPENAI_API_KEY: "sk-test",
      OPENAI_ASR_BASE_URL: asr.url,
      MEDIA_RESOLVER: "builtin",
    });
    const base = `${kiln.listen()}/tttranscribe`;
    let checks = 0;
    const check = (condition: boolean, message: string) => {
      assert.ok(condition, message);
      checks++;
    };

    // Test 1: POST /transcribe (the contract's TikTok URL, on the loopback TikTok).
    const spec = contract.transcribe;
    const url = spec.body.url.replace("https://www.tiktok.com", tiktok.base);
    const accepted = await fetch(`${base}${spec.path}`, {
      method: spec.method,
      headers: headersOf(spec.headers),
      body: JSON.stringify({ ...spec.body, url }),
    });
    check(accepted.ok && accepted.status === spec.status, `POST /transcribe answers ${accepted.status}`);
    const submitted: Json = await accepted.json();
    for (const name of spec.truthy) check(Boolean(field(submitted, name)), `202 has ${name}`);
    for (const [name, value] of Object.entries(spec.equals)) check(submitted[name] === value, `202 ${name}`);
    for (const name of spec.absent) check(submitted[name] === undefined, `202 has no ${name}`);
    check(submitted.requestId === submitted.id && submitted.request_id === submitted.id, "aliases of id");

    // Test 2: GET /status/:id until completed.
    const statusSpec = contract.status;
    const poll = async () => {
      const response = await fetch(`${base}${statusSpec.path.replace("{id}", submitted.id)}`, {
        headers: headersOf(statusSpec.headers),
      });
      assert.equal(response.status, statusSpec.status);
      return await response.json() as Json;
    };
    const first = await poll();
    for (const name of statusSpec.truthy) check(Boolean(field(first, name)), `status has ${name}`);
    for (const name of statusSpec.numbers) {
      check(typeof field(first, name) === "number", `${name} is a number`);
    }
    for (const name of statusSpec.absent) check(first[name] === undefined, `status has no ${name}`);
    check(statusSpec.statusIn.includes(first.status), `status ${first.status} is a protocol value`);

    const done: Json = await waitFor("completion", async () => {
      const status = await poll();
      assert.notEqual(status.status, "failed", JSON.stringify(status.error));
      return status.status === "completed" && status;
    }, 15_000);
    const completed = contract.completed;
    for (const name of completed.truthy) check(Boolean(field(done, name)), `completed has ${name}`);
    for (const name of completed.numbers) check(typeof field(done, name) === "number", `${name} is a number`);
    for (const name of completed.strings) check(typeof field(done, name) === "string", `${name} is a string`);
    for (const name of Object.keys(completed.nullByDesign)) {
      check(field(done, name) === null, `${name} is null`);
    }
    check(Array.isArray(done.result.segments) && done.result.segments.length > 0, "result.segments");

    // Test 3: authentication required, with the seed's error members.
    for (const attempt of contract.unauthorized) {
      const response = await fetch(`${base}/transcribe`, {
        method: "POST",
        headers: headersOf(attempt.headers),
        body: JSON.stringify(spec.body),
      });
      check(response.status === contract.unauthorizedBody.status, "401 without a valid X-Engine-Auth");
      const body: Json = await response.json();
      check(body.error === contract.unauthorizedBody.equals.error, "error is unauthorized");
      for (const name of contract.unauthorizedBody.truthy) check(Boolean(body[name]), `401 has ${name}`);
    }
    assert.ok(checks >= 35, `${checks} checks`);

    // Bad bodies are the seed's 400, with `error` and `message`.
    for (const bad of contract.badBodies) {
      const response = await fetch(`${base}/transcribe`, {
        method: "POST",
        headers: headersOf(spec.headers),
        body: bad.raw ?? JSON.stringify(bad.body),
      });
      assert.equal(response.status, bad.status, bad.raw ?? JSON.stringify(bad.body));
      const body: Json = await response.json();
      assert.ok(body.error && body.message && body.ok === false);
    }
  },
});
