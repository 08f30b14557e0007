/**
 * The Pluct app's calls (PluctMobileApp-Integration-Guide.md), replayed against Kiln's engine with
 * the fixture's requests: every field the app reads is there — `ok`, `jobId`, `token`, `balance` —
 * and every error it handles carries `message`. The transcription service behind is Kiln's own,
 * reached in-process, transcribing a TikTok page from the loopback fake TikTok.
 */
import assert from "node:assert/strict";
import { adminKey, bearer, engineKiln, userToken } from "../engine/_helpers.ts";
import { fakeOpenAi } from "../providers/fake_openai_asr.ts";
import { waitFor } from "../support/wait.ts";
import { ffmpegTool, goForwardWav } from "../transcription/_helpers.ts";
import { fakeTikTok } from "../transcription/fake_tiktok.ts";
import { field, fixture, type Json } from "./_fields.ts";

const app = fixture("pluct_app.json");

function reads(body: Json, names: string[], what: string) {
  for (const name of names) {
    assert.notEqual(field(body, name), undefined, `${what} lacks ${name}: ${JSON.stringify(body)}`);
  }
}

Deno.test({
  name: "the Pluct app's journey: balance, credits, vend, /ttt/transcribe, /ttt/status, errors with message",
  ignore: ffmpegTool().ignore,
  async fn() {
    await using tiktok = fakeTikTok(goForwardWav());
    await using asr = fakeOpenAi();
    await using kiln = await engineKiln({
      TTT_BASE: "",
      TTT_ALLOW_PRIVATE_URLS: "true",
      ASR_PROVIDER: "openai",
      OPENAI_API_KEY: "sk-test",
      OPENAI_ASR_BASE_URL: asr.url,
      MEDIA_RESOLVER: "builtin",
    });
    const user = "pluct-user";
    const token = await userToken(kiln, user);
    const call = async (
      spec: Json,
      init: { headers?: Record<string, string>; body?: unknown; path?: string },
    ) => {
      const response = await kiln.request(init.path ?? spec.path, {
        method: spec.method,
        headers: { "content-type": "application/json", ...init.headers },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      return { status: response.status, body: await response.json() as Json };
    };

    const broke = await call(app.vendToken, { headers: bearer(token), body: { userId: user } });
    assert.equal(broke.status, app.vendTokenBroke.status);
    for (const [name, value] of Object.entries(app.vendTokenBroke.equals)) {
      assert.equal(broke.body[name], value);
    }
    reads(broke.body, app.vendTokenBroke.reads, "402");

    const added = await call(app.addCredits, {
      headers: { "X-API-Key": adminKey },
      body: { ...app.addCredits.body, userId: user },
    });
    assert.equal(added.status, 201);
    reads(added.body, app.addCredits.reads, "credits/add");

    for (const spec of [app.balance, app.legacyBalance]) {
      const balance = await call(spec, { headers: bearer(token) });
      assert.equal(balance.status, 200, spec.path);
      reads(balance.body, spec.reads, spec.path);
      assert.deepEqual([balance.body.ok, balance.body.userId, balance.body.balance], [true, user, 5]);
    }

    const vended = await call(app.vendToken, { headers: bearer(token), body: { userId: user } });
    assert.equal(vended.status, 200);
    reads(vended.body, app.vendToken.reads, "vend-token");
    assert.equal(vended.body.ok, true);

    const url = app.transcribe.body.url.replace("https://www.tiktok.com", tiktok.base);
    const started = await call(app.transcribe, { headers: bearer(vended.body.token), body: { url } });
    assert.equal(started.status, app.transcribe.status, JSON.stringify(started.body));
    reads(started.body, app.transcribe.reads, "/ttt/transcribe");
    assert.equal(started.body.ok, true);
    const jobId = started.body.jobId;

    const statusPath = app.status.path.replace("{jobId}", jobId);
    const done: Json = await waitFor("the job to complete", async () => {
      const status = await call(app.status, { headers: bearer(vended.body.token), path: statusPath });
      assert.equal(status.status, 200);
      reads(status.body, app.status.reads, "/ttt/status");
      assert.equal(status.body.jobId, jobId);
      return status.body.status === "completed" && status.body;
    }, 15_000);
    reads(done, app.status.completedReads, "completed /ttt/status");
    assert.equal(typeof done.result.confidence, "number");

    // Every status the app's error handler reads `message` from.
    const unauthorized = await call(app.balance, {});
    assert.equal(unauthorized.status, 401);
    const forbidden = await call(app.transcribe, { headers: bearer(token), body: { url } });
    const missing = await call(app.status, { headers: bearer(vended.body.token), path: "/ttt/status/nope" });
    const invalid = await call(app.transcribe, { headers: bearer(vended.body.token), body: { url: "nope" } });
    for (const answer of [broke, unauthorized, forbidden, missing, invalid]) {
      assert.ok(app.errorsReadMessage.includes(answer.status), `status ${answer.status}`);
      assert.equal(typeof answer.body.message, "string");
      assert.equal(answer.body.ok, false);
      assert.equal(answer.body.error, answer.body.code);
    }
  },
});
