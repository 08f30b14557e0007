import assert from "node:assert/strict";
import { silentLogger } from "../../lib/log.ts";
import { createCircuitBreaker } from "../../lib/engine/upstream/breaker.ts";
import { createUpstreamClient } from "../../lib/engine/upstream/client.ts";
import { bearer, engineKiln, fakeTtt, grant, type Json, range, userToken } from "./_helpers.ts";

Deno.test("retries wait 1, 2 and 4 seconds by default (MAX_RETRIES=3), then give up", async () => {
  await using ttt = fakeTtt();
  ttt.script.set("GET /status/x", range(4).map(() => ({ status: 503 })));
  const waits: number[] = [];
  const client = createUpstreamClient({
    baseUrl: ttt.base,
    secret: "s",
    timeoutMs: 1_000,
    maxRetries: 3,
    retryBaseMs: 1_000,
    breaker: createCircuitBreaker({ name: "t", threshold: 100, openMs: 1, probes: 1, log: silentLogger }),
    log: silentLogger,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  });
  await assert.rejects(
    client.request("GET", "/status/x"),
    (error: Json) => error.details.upstreamStatus === 503,
  );
  assert.deepEqual(waits, [1_000, 2_000, 4_000]);
  assert.equal(ttt.calls.length, 4);
});

Deno.test("transcribe gets its own long timeout: the 30 s default does not cut it short", async () => {
  await using ttt = fakeTtt();
  await using kiln = await engineKiln({
    TTT_BASE: ttt.base,
    REQUEST_TIMEOUT: "100",
    ENGINE_TRANSCRIBE_TIMEOUT_MS: "5000",
    MAX_RETRIES: "0",
  });
  const user = await userToken(kiln, "slow");
  await grant(kiln, "slow", 1);
  const vended: Json = await (await kiln.request("/v1/vend-token", { json: {}, headers: bearer(user) }))
    .json();
  ttt.script.set("POST /transcribe", [{ status: 202, body: { id: "slow-job" }, delayMs: 400 }]);
  const response = await kiln.request("/ttt/transcribe", {
    json: { url: "https://www.tiktok.com/@a/video/1" },
    headers: bearer(vended.token),
  });
  assert.equal(response.status, 202);
  assert.equal((await response.json()).id, "slow-job");
});
