import assert from "node:assert/strict";
import { bearer, engineKiln, fakeTtt, grant, type Json, range, tttSecret, userToken } from "./_helpers.ts";
import type { TestKiln } from "../support/kiln.ts";
import { waitFor } from "../support/wait.ts";

async function serviceToken(kiln: TestKiln, userId: string): Promise<string> {
  const user = await userToken(kiln, userId);
  await grant(kiln, userId, 1);
  const vended: Json = await (await kiln.request("/v1/vend-token", { json: {}, headers: bearer(user) }))
    .json();
  return vended.token;
}

const transcribe = (kiln: TestKiln, token: string) =>
  kiln.request("/ttt/transcribe", {
    json: { url: "https://www.tiktok.com/@a/video/1" },
    headers: bearer(token),
  });

Deno.test("the proxy retries 500s and 429s with backoff, then succeeds; other 4xx are not retried", async () => {
  await using ttt = fakeTtt();
  await using kiln = await engineKiln({ TTT_BASE: ttt.base, ENGINE_VEND_LIMIT_PER_HOUR: "100" });
  ttt.script.set("POST /transcribe", [{ status: 500 }, { status: 429 }, { status: 502 }]);
  const started = await transcribe(kiln, await serviceToken(kiln, "u1"));
  assert.equal(started.status, 202);
  const body: Json = await started.json();
  assert.match(body.statusUrl, /^\/ttt\/status\//);
  assert.equal(ttt.calls.filter((call) => call.path === "/transcribe").length, 4);
  assert.ok(ttt.calls.every((call) => call.auth === tttSecret), "X-Engine-Auth sent");

  ttt.calls.length = 0;
  ttt.script.set("POST /transcribe", [{ status: 422, body: { error: "unsupported url" } }]);
  const refused = await transcribe(kiln, await serviceToken(kiln, "u2"));
  assert.equal(refused.status, 422);
  const problem: Json = await refused.json();
  assert.equal(problem.upstreamStatus, 422);
  assert.equal(problem.detail, "The transcription service refused the request: unsupported url.");
  assert.equal(ttt.calls.length, 1);

  // An upstream detail that brings its own full stop is not given a second one.
  ttt.script.set("POST /transcribe", [{ status: 400, body: { detail: "The url is not an absolute URL." } }]);
  const sentence: Json = await (await transcribe(kiln, await serviceToken(kiln, "u2b"))).json();
  assert.equal(
    sentence.detail,
    "The transcription service refused the request: The url is not an absolute URL.",
  );
});

Deno.test("after the retries, upstream failures are 502/503/504 problems naming the upstream status", async () => {
  await using ttt = fakeTtt();
  await using kiln = await engineKiln({
    TTT_BASE: ttt.base,
    ENGINE_VEND_LIMIT_PER_HOUR: "100",
    ENGINE_BREAKER_THRESHOLD: "100",
  });
  ttt.script.set("POST /transcribe", range(4).map(() => ({ status: 500 })));
  const failed = await transcribe(kiln, await serviceToken(kiln, "u3"));
  assert.equal(failed.status, 502);
  const problem: Json = await failed.json();
  assert.equal(problem.code, "upstream_error");
  assert.equal(problem.upstreamStatus, 500);
  assert.equal(problem.attempts, 4);

  ttt.script.set("POST /transcribe", range(4).map(() => ({ status: 429, headers: { "retry-after": "7" } })));
  const limited = await transcribe(kiln, await serviceToken(kiln, "u4"));
  assert.equal(limited.status, 429, "rate limited is passed on as rate limited, not as an outage");
  assert.equal(limited.headers.get("retry-after"), "7");
  const problem429: Json = await limited.json();
  assert.equal(problem429.code, "upstream_rate_limited");
  assert.equal(problem429.upstreamStatus, 429);
});

Deno.test("429s from the transcription service never open the breaker", async () => {
  await using ttt = fakeTtt();
  await using kiln = await engineKiln({
    TTT_BASE: ttt.base,
    ENGINE_VEND_LIMIT_PER_HOUR: "100",
    MAX_RETRIES: "0",
  });
  ttt.script.set("POST /transcribe", range(8).map(() => ({ status: 429, headers: { "retry-after": "1" } })));
  for (const n of range(8)) {
    const response = await transcribe(kiln, await serviceToken(kiln, `limited-${n}`));
    assert.equal(response.status, 429);
    await response.body?.cancel();
  }
  const health: Json = await (await kiln.request("/health/services")).json();
  assert.equal(health.services.tttranscribe.circuitBreaker.state, "closed", "8 × 429 > threshold 5");
  assert.equal((await transcribe(kiln, await serviceToken(kiln, "after"))).status, 202);
});

Deno.test("a per-call timeout really holds: a hanging upstream gives 504 after the retries", async () => {
  await using ttt = fakeTtt();
  await using kiln = await engineKiln({
    TTT_BASE: ttt.base,
    REQUEST_TIMEOUT: "150",
    MAX_RETRIES: "1",
    ENGINE_VEND_LIMIT_PER_HOUR: "100",
  });
  const token = await serviceToken(kiln, "u5");
  ttt.script.set("POST /transcribe", [{ status: 202, body: { id: "job-t" } }]);
  assert.equal((await transcribe(kiln, token)).status, 202);
  ttt.script.set("GET /status/job-t", ["hang", "hang"]);
  const started = performance.now();
  const response = await kiln.request("/ttt/status/job-t", { headers: bearer(token) });
  const elapsed = performance.now() - started;
  assert.equal(response.status, 504);
  assert.equal((await response.json()).code, "upstream_timeout");
  assert.ok(elapsed >= 300 && elapsed < 2_000, `took ${elapsed} ms`);
});

Deno.test("one service token starts one transcription; only its user reads the job", async () => {
  await using ttt = fakeTtt();
  await using kiln = await engineKiln({ TTT_BASE: ttt.base, ENGINE_VEND_LIMIT_PER_HOUR: "100" });
  const mine = await serviceToken(kiln, "owner");
  const theirs = await serviceToken(kiln, "stranger");
  const started: Json = await (await transcribe(kiln, mine)).json();
  const again = await transcribe(kiln, mine);
  assert.equal(again.status, 409);
  assert.equal((await again.json()).code, "token_already_used");

  const own = await kiln.request(`/ttt/status/${started.id}`, { headers: bearer(mine) });
  assert.equal(own.status, 200);
  assert.equal((await own.json()).progress, 40);
  const foreign = await kiln.request(`/ttt/status/${started.id}`, { headers: bearer(theirs) });
  assert.equal(foreign.status, 404);
  await foreign.body?.cancel();
});

Deno.test("the breaker opens after 5 consecutive failures, answers 503 Retry-After, and recovers via probes", async () => {
  await using ttt = fakeTtt();
  await using kiln = await engineKiln({
    TTT_BASE: ttt.base,
    MAX_RETRIES: "0",
    ENGINE_BREAKER_OPEN_MS: "300",
    ENGINE_VEND_LIMIT_PER_HOUR: "100",
  });
  const token = await serviceToken(kiln, "u6");
  ttt.script.set("POST /transcribe", [{ status: 202, body: { id: "job-b" } }]);
  await (await transcribe(kiln, token)).body?.cancel();
  ttt.script.set("GET /status/job-b", range(5).map(() => ({ status: 500 })));
  for (const _ of range(5)) {
    const response = await kiln.request("/ttt/status/job-b", { headers: bearer(token) });
    assert.equal(response.status, 502);
    await response.body?.cancel();
  }
  const callsBefore = ttt.calls.length;
  const refused = await kiln.request("/ttt/status/job-b", { headers: bearer(token) });
  assert.equal(refused.status, 503);
  assert.equal((await refused.json()).code, "upstream_circuit_open");
  assert.ok(Number(refused.headers.get("retry-after")) >= 1);
  assert.equal(ttt.calls.length, callsBefore, "an open breaker sends nothing upstream");

  const health: Json = await (await kiln.request("/health/services")).json();
  assert.equal(health.services.tttranscribe.circuitBreaker.state, "open");
  assert.ok(kiln.logs.some((line) => line.event === "circuit_breaker_transition" && line.to === "open"));

  await waitFor("the open period to end", async () => {
    const state: Json = await (await kiln.request("/health/services")).json();
    return state.services.tttranscribe.circuitBreaker.state === "half_open";
  });
  for (const _ of range(3)) {
    const probe = await kiln.request("/ttt/status/job-b", { headers: bearer(token) });
    assert.equal(probe.status, 200);
    await probe.body?.cancel();
  }
  const recovered: Json = await (await kiln.request("/health/services")).json();
  assert.equal(recovered.services.tttranscribe.circuitBreaker.state, "closed");
  assert.deepEqual(
    recovered.services.tttranscribe.circuitBreaker.transitions.map((t: Json) => t.to),
    ["open", "half_open", "closed"],
  );
});
