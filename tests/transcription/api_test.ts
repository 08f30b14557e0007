/** The HTTP contract: info, health, X-Engine-Auth, validation, SSRF refusal, token bucket, 404s. */
import assert from "node:assert/strict";
import { testKiln } from "../support/kiln.ts";
import { engineHeaders, engineSecret } from "./_helpers.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

Deno.test("info and health are public and keep the seed's shape", async () => {
  await using kiln = await testKiln({ TTT_SHARED_SECRET: engineSecret });
  for (const path of ["/tttranscribe", "/tttranscribe/"]) {
    const info: Json = await (await kiln.request(path)).json();
    assert.equal(info.service, "TTTranscribe");
    assert.ok(info.endpoints.includes("POST /transcribe"));
  }
  const response = await kiln.request("/tttranscribe/health");
  assert.equal(response.status, 200);
  const health: Json = await response.json();
  assert.equal(health.service, "tttranscribe");
  assert.deepEqual(
    Object.keys(health.environment).slice(0, 5),
    ["hasAuthSecret", "hasHfApiKey", "hasWebhookUrl", "hasWebhookSecret", "asrProvider"],
  );
  assert.equal(health.environment.hasAuthSecret, true);
  assert.equal(health.environment.hasWebhookSecret, true, "generated when unset");
  assert.equal(health.environment.webhookSecretGenerated, true);
  assert.equal(health.environment.hasHfApiKey, false);
  assert.equal(health.environment.asrProvider, "local");
  assert.deepEqual(health.jobs, { accepted: 0, inProgress: 0, completed: 0, failed: 0 });
  assert.equal(health.cache.hitRate, 0);
  assert.equal(typeof health.tools.ffmpeg.available, "boolean");
  assert.equal(typeof health.tools.asr.available, "boolean");
  const metrics = await (await kiln.request("/metrics", { admin: true })).text();
  assert.match(metrics, /kiln_transcription_jobs\{state="accepted"\} 0/);
  assert.match(metrics, /kiln_transcription_cache_lookups\{outcome="hit"\} 0/);
});

Deno.test("health says when the configured ASR provider cannot run", async () => {
  await using kiln = await testKiln({ TTT_SHARED_SECRET: engineSecret, ASR_PROVIDER: "hf" });
  const health: Json = await (await kiln.request("/tttranscribe/health")).json();
  assert.equal(health.status, "degraded");
  assert.equal(health.tools.asr.available, false);
  assert.ok(health.problems.some((problem: string) => problem.includes("HF_API_KEY")));
});

Deno.test("X-Engine-Auth is required and compared exactly (401 problem otherwise)", async () => {
  await using kiln = await testKiln({ TTT_SHARED_SECRET: engineSecret });
  const attempts: Record<string, string>[] = [{}, { "x-engine-auth": "wrong" }, {
    "x-engine-auth": `${engineSecret}x`,
  }];
  for (const headers of attempts) {
    for (
      const [path, init] of [
        ["/tttranscribe/transcribe", { json: { url: "https://example.com/a.mp3" } }],
        ["/tttranscribe/estimate", { json: { url: "https://example.com/a.mp3" } }],
        ["/tttranscribe/status/abc", {}],
      ] as const
    ) {
      const response = await kiln.request(path, { ...init, headers });
      assert.equal(response.status, 401, path);
      assert.equal(response.headers.get("content-type"), "application/problem+json");
      const problem: Json = await response.json();
      assert.equal(problem.code, "unauthorized");
      assert.equal(problem.detail, "Missing or invalid X-Engine-Auth header");
    }
  }
});

Deno.test("ENGINE_SHARED_SECRET is accepted as the seed's name for the shared secret", async () => {
  await using kiln = await testKiln({ ENGINE_SHARED_SECRET: engineSecret });
  const response = await kiln.request("/tttranscribe/status/none", { headers: engineHeaders });
  assert.equal(response.status, 404);
  assert.equal((await response.json()).code, "transcription_not_found");
});

Deno.test("bad bodies and private or non-http URLs are 4xx problems, never jobs", async () => {
  await using kiln = await testKiln({ TTT_SHARED_SECRET: engineSecret, RATE_LIMIT_CAPACITY: "100" });
  for (const path of ["/tttranscribe/transcribe", "/tttranscribe/estimate"]) {
    // A body without a usable url is the seed's 400, with Kiln's codes and the seed's members.
    for (
      const [body, code] of [[{}, "validation_failed"], [{ url: 42 }, "validation_failed"], [
        { url: "not a url" },
        "invalid_url",
      ]] as const
    ) {
      const response = await kiln.request(path, { json: body, headers: engineHeaders });
      assert.equal(response.status, 400, `${path} ${JSON.stringify(body)}`);
      const problem: Json = await response.json();
      assert.deepEqual([problem.code, problem.error, problem.ok], [code, code, false]);
      assert.equal(problem.message, problem.detail);
    }
  }
  const malformed = await kiln.request("/tttranscribe/transcribe", {
    method: "POST",
    body: "{nope",
    headers: { ...engineHeaders, "content-type": "application/json" },
  });
  assert.equal(malformed.status, 400);
  const cases: [string, string][] = [
    ["ftp://example.com/a.mp3", "url_scheme_not_allowed"],
    ["file:///etc/passwd", "url_scheme_not_allowed"],
    ["http://127.0.0.1:8000/a.mp3", "url_not_allowed"],
    ["http://localhost/a.mp3", "url_not_allowed"],
    ["http://10.1.2.3/a.mp3", "url_not_allowed"],
    ["http://192.168.0.10/a.mp3", "url_not_allowed"],
    ["http://172.16.5.4/a.mp3", "url_not_allowed"],
    ["http://169.254.169.254/latest/meta-data", "url_not_allowed"],
    ["http://[::1]/a.mp3", "url_not_allowed"],
    ["http://[fe80::1]/a.mp3", "url_not_allowed"],
    ["http://[::ffff:127.0.0.1]/a.mp3", "url_not_allowed"],
    ["http://0.0.0.0/a.mp3", "url_not_allowed"],
    ["http://user:pw@example.com/a.mp3", "url_credentials_not_allowed"],
  ];
  for (const [url, code] of cases) {
    for (const path of ["/tttranscribe/transcribe", "/tttranscribe/estimate"]) {
      const response = await kiln.request(path, { json: { url }, headers: engineHeaders });
      assert.equal(response.status, 422, `${path} ${url}`);
      assert.equal((await response.json()).code, code, url);
    }
  }
  assert.equal((await kiln.services.jobs.counts()).queued, 0);
});

Deno.test("a POST to a path the service does not have is a 404, not a 405", async () => {
  await using kiln = await testKiln({ TTT_SHARED_SECRET: engineSecret });
  const unknown = await kiln.request("/tttranscribe/nope", { json: {}, headers: engineHeaders });
  assert.equal(unknown.status, 404);
  assert.equal((await unknown.json()).error, "not_found");
  const root = await kiln.request("/tttranscribe/", { json: {}, headers: engineHeaders });
  assert.equal(root.status, 405);
  assert.equal(root.headers.get("allow"), "GET");
  await root.body?.cancel();
});

Deno.test("the token bucket guards transcribe and estimate, not status polling", async () => {
  await using kiln = await testKiln({
    TTT_SHARED_SECRET: engineSecret,
    RATE_LIMIT_CAPACITY: "3",
    RATE_LIMIT_REFILL_PER_MIN: "1",
  });
  const statuses: number[] = [];
  for (let index = 0; index < 3; index++) {
    const response = await kiln.request("/tttranscribe/estimate", {
      json: { url: "http://127.0.0.1/private.mp3" },
      headers: engineHeaders,
    });
    statuses.push(response.status);
    assert.ok(response.headers.get("ratelimit-policy"), "RateLimit headers on every answer");
    await response.body?.cancel();
  }
  assert.deepEqual(statuses, [422, 422, 422], "refused URLs still spend a token");
  const limited = await kiln.request("/tttranscribe/transcribe", {
    json: { url: "https://example.com/a.mp3" },
    headers: engineHeaders,
  });
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers.get("retry-after")) >= 1);
  assert.equal((await limited.json()).status, 429);
  for (let index = 0; index < 5; index++) {
    const status = await kiln.request("/tttranscribe/status/unknown", { headers: engineHeaders });
    assert.equal(status.status, 404, "status polling is not rate limited");
    await status.body?.cancel();
  }
});
