import assert from "node:assert/strict";
import { signWebhook } from "../../lib/webhooks/standard.ts";
import type { TestKiln } from "../support/kiln.ts";
import {
  balance,
  bearer,
  engineKiln,
  fakeTtt,
  grant,
  type Json,
  range,
  userToken,
  webhookSecret,
} from "./_helpers.ts";
import { engineModule } from "../../lib/engine/mod.ts";

const mediaUrl = "https://www.tiktok.com/@garyvee/video/7308801293029248299";

function completed(requestId: string, durationSeconds: number) {
  return {
    type: "transcription.completed",
    id: "job-1",
    requestId,
    status: "completed",
    durationSeconds,
    result: {
      transcription: "go forward ten meters",
      summary: "go forward",
      truncated: false,
      language: "en",
      durationSeconds,
    },
    timestamp: new Date().toISOString(),
  };
}

async function deliver(
  kiln: TestKiln,
  payload: unknown,
  options: { messageId?: string; timestamp?: Date; secret?: string } = {},
) {
  const signed = await signWebhook(options.secret ?? webhookSecret, payload, {
    messageId: options.messageId ?? "msg-1",
    timestamp: options.timestamp,
  });
  return kiln.request("/webhooks/tttranscribe", {
    method: "POST",
    body: signed.body,
    headers: signed.headers,
  });
}

async function start(kiln: TestKiln, token: string): Promise<Json> {
  const response = await kiln.request("/transcribe", { json: { url: mediaUrl }, headers: bearer(token) });
  assert.equal(response.status, 202);
  return await response.json();
}

Deno.test("metered flow: estimate, hold, webhook charges max(1, ceil(minutes × rate)) and releases the hold", async () => {
  await using ttt = fakeTtt();
  await using kiln = await engineKiln({ TTT_BASE: ttt.base, ENGINE_CREDIT_RATES: '{"default":2}' });
  const token = await userToken(kiln, "mia");
  await grant(kiln, "mia", 10);

  const estimate: Json =
    await (await kiln.request("/transcribe/estimate", { json: { url: mediaUrl }, headers: bearer(token) }))
      .json();
  assert.equal(estimate.estimatedCredits, 3); // 90 s at 2 credits/min
  const started = await start(kiln, token);
  assert.equal(started.status, "queued");
  assert.equal(started.credits.held, 3);
  const forwarded = ttt.calls.find((call) => call.path === "/transcribe")!;
  assert.equal(JSON.parse(forwarded.body).requestId, started.requestId);
  assert.deepEqual(
    [(await balance(kiln, token)).heldCredits, (await balance(kiln, token)).availableCredits],
    [3, 7],
  );

  const live: Json = await (await kiln.request(`/status/${started.requestId}`, { headers: bearer(token) }))
    .json();
  assert.equal(live.progress, 40);

  const response = await deliver(kiln, completed(started.requestId, 61));
  assert.equal(response.status, 200);
  assert.equal((await response.json()).chargedCredits, 3); // ceil(61/60 × 2) = 3
  const after = await balance(kiln, token);
  assert.deepEqual([after.balance, after.heldCredits], [7, 0]);

  const status: Json = await (await kiln.request(`/status/${started.requestId}`, { headers: bearer(token) }))
    .json();
  assert.equal(status.status, "completed");
  assert.equal(status.result.transcription, "go forward ten meters");
  assert.deepEqual(status.credits, { held: 0, charged: 3, released: 3 });

  const stranger = await userToken(kiln, "stranger");
  const foreign = await kiln.request(`/status/${started.requestId}`, { headers: bearer(stranger) });
  assert.equal(foreign.status, 404);
  await foreign.body?.cancel();
});

Deno.test("twenty concurrent deliveries of one webhook charge once", async () => {
  await using ttt = fakeTtt();
  await using kiln = await engineKiln({ TTT_BASE: ttt.base });
  const token = await userToken(kiln, "noah");
  await grant(kiln, "noah", 5);
  const started = await start(kiln, token);
  const payload = completed(started.requestId, 30);
  const responses = await Promise.all(range(20).map(() => deliver(kiln, payload)));
  const bodies: Json[] = await Promise.all(responses.map((response) => response.json()));
  assert.ok(responses.every((response) => response.status === 200));
  assert.equal(bodies.filter((body) => body.status === "completed").length, 1);
  const after = await balance(kiln, token);
  assert.deepEqual([after.balance, after.heldCredits], [4, 0]);
  const ledger: Json =
    await (await kiln.request("/v1/credits/transactions?limit=100", { headers: bearer(token) })).json();
  assert.deepEqual(ledger.items.map((entry: Json) => entry.type), ["charge", "release", "hold", "grant"]);
});

Deno.test("forged, stale and unsigned webhooks are refused and change nothing", async () => {
  await using ttt = fakeTtt();
  await using kiln = await engineKiln({ TTT_BASE: ttt.base });
  const token = await userToken(kiln, "olga");
  await grant(kiln, "olga", 5);
  const started = await start(kiln, token);
  const payload = completed(started.requestId, 30);

  const forged = await deliver(kiln, payload, { secret: "not-the-secret-0123456789abcdef" });
  const stale = await deliver(kiln, payload, { timestamp: new Date(Date.now() - 6 * 60_000) });
  const unsigned = await kiln.request("/webhooks/tttranscribe", { json: payload });
  const signed = await signWebhook(webhookSecret, payload, { messageId: "m" });
  const tampered = await kiln.request("/webhooks/tttranscribe", {
    method: "POST",
    body: signed.body.replace('"durationSeconds":30', '"durationSeconds":0'),
    headers: signed.headers,
  });
  for (const response of [forged, stale, unsigned, tampered]) {
    assert.equal(response.status, 401);
    await response.body?.cancel();
  }
  const after = await balance(kiln, token);
  assert.deepEqual([after.balance, after.heldCredits], [5, 2]);
});

Deno.test("a failure webhook releases the hold in full; short users get 402 with required/available/held", async () => {
  await using ttt = fakeTtt();
  await using kiln = await engineKiln({ TTT_BASE: ttt.base });
  const token = await userToken(kiln, "paul");
  await grant(kiln, "paul", 3);
  const started = await start(kiln, token);
  const short = await kiln.request("/transcribe", { json: { url: mediaUrl }, headers: bearer(token) });
  assert.equal(short.status, 402);
  const problem: Json = await short.json();
  assert.deepEqual([problem.code, problem.required, problem.available, problem.heldCredits], [
    "insufficient_credits",
    2,
    1,
    2,
  ]);

  const failed = await deliver(kiln, {
    type: "transcription.failed",
    id: "job-1",
    requestId: started.requestId,
    status: "failed",
    durationSeconds: 0,
    error: { code: "fetch_failed", message: "media unavailable" },
    timestamp: new Date().toISOString(),
  });
  assert.equal(failed.status, 200);
  await failed.body?.cancel();
  const after = await balance(kiln, token);
  assert.deepEqual([after.balance, after.heldCredits], [3, 0]);
  const status: Json = await (await kiln.request(`/status/${started.requestId}`, { headers: bearer(token) }))
    .json();
  assert.deepEqual([status.status, status.error, status.credits.released], [
    "failed",
    "media unavailable",
    2,
  ]);
});

Deno.test("a failed forward releases the hold; the sweep releases holds older than the TTL", async () => {
  await using ttt = fakeTtt();
  await using kiln = await engineKiln({ TTT_BASE: ttt.base, MAX_RETRIES: "0" });
  const token = await userToken(kiln, "quinn");
  await grant(kiln, "quinn", 4);
  ttt.script.set("POST /transcribe", [{ status: 500 }]);
  const refused = await kiln.request("/transcribe", { json: { url: mediaUrl }, headers: bearer(token) });
  assert.equal(refused.status, 502);
  await refused.body?.cancel();
  assert.equal((await balance(kiln, token)).heldCredits, 0);

  const started = await start(kiln, token);
  assert.equal((await balance(kiln, token)).heldCredits, 2);
  const engine = kiln.services.module(engineModule);
  assert.equal(await engine.sweepHolds(Date.now()), 0, "a fresh hold stays");
  assert.equal(await engine.sweepHolds(Date.now() + 16 * 60_000), 1);
  assert.equal((await balance(kiln, token)).heldCredits, 0);
  const status: Json = await (await kiln.request(`/status/${started.requestId}`, { headers: bearer(token) }))
    .json();
  assert.equal(status.status, "expired");
});

Deno.test("the engine forwards authorizeDuration and raises the hold to the measured price, or answers 402", async () => {
  await using ttt = fakeTtt();
  await using kiln = await engineKiln({ TTT_BASE: ttt.base });
  const token = await userToken(kiln, "mae");
  await grant(kiln, "mae", 4);
  const started = await start(kiln, token); // the fake estimates 90 s: 2 credits held
  const forwarded = JSON.parse(ttt.calls.find((call) => call.path === "/transcribe")!.body);
  assert.deepEqual([forwarded.requestId, forwarded.authorizeDuration], [started.requestId, true]);
  const measured = (durationSeconds: number, messageId: string) =>
    deliver(kiln, { type: "transcription.measured", requestId: started.requestId, durationSeconds }, {
      messageId,
    });
  const raised = await measured(200, "m-1"); // 4 credits: 2 held + 2 of the 2 available
  assert.equal(raised.status, 200);
  assert.deepEqual([(await raised.json()).heldCredits, (await balance(kiln, token)).heldCredits], [4, 4]);
  const refused = await measured(400, "m-2"); // 7 credits: more than held + available
  assert.equal(refused.status, 402);
  const problem: Json = await refused.json();
  assert.deepEqual([problem.code, problem.required, problem.heldCredits, problem.available], [
    "insufficient_credits",
    7,
    4,
    0,
  ]);
  assert.equal((await balance(kiln, token)).heldCredits, 4, "a refusal changes nothing");
});

Deno.test("never a discount: a late result the balance cannot pay is refused, not charged below its price", async () => {
  await using ttt = fakeTtt();
  await using kiln = await engineKiln({ TTT_BASE: ttt.base });
  const token = await userToken(kiln, "ned");
  await grant(kiln, "ned", 2);
  const started = await start(kiln, token); // 2 held
  assert.equal(
    await kiln.services.module(engineModule).sweepHolds(Date.now() + 16 * 60_000),
    1,
    "the hold expires",
  );
  const late = await deliver(kiln, completed(started.requestId, 300)); // 5 credits, 2 available
  assert.equal(late.status, 200);
  const view: Json = await (await kiln.request(`/status/${started.requestId}`, { headers: bearer(token) }))
    .json();
  assert.deepEqual([view.status, view.credits.charged, view.result], ["failed", 0, null]);
  assert.match(view.error, /insufficient_credits/);
  assert.deepEqual([(await balance(kiln, token)).balance, (await balance(kiln, token)).heldCredits], [2, 0]);
});
