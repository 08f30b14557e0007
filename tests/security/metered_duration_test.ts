/**
 * Metered transcription is priced from the duration Kiln measured, never from what the media
 * server claims. The media server here lies in its HEAD (1,000 bytes → a 1-credit estimate) and
 * then serves 300 s of audio (5 credits at 1 credit/minute). A 1-credit user is refused before a
 * second is recognised and pays nothing; a 10-credit user pays exactly 5.
 */
import assert from "node:assert/strict";
import { fakeOpenAi } from "../providers/fake_openai_asr.ts";
import { waitFor } from "../support/wait.ts";
import { ffmpegTool, type LoopbackServer, wavFromPcm } from "../transcription/_helpers.ts";
import { balance, bearer, engineKiln, grant, type Json, userToken } from "../engine/_helpers.ts";

const seconds = 300;

/** Serves `path`: HEAD claims 1,000 bytes; GET sends the real, long file. */
function lyingMediaServer(path: string, body: Uint8Array<ArrayBuffer>): LoopbackServer {
  const requests: LoopbackServer["requests"] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const url = new URL(request.url);
    requests.push({ path: url.pathname, method: request.method });
    if (url.pathname !== path) return new Response("not found", { status: 404 });
    if (request.method === "HEAD") {
      return new Response(null, { headers: { "content-type": "audio/wav", "content-length": "1000" } });
    }
    return new Response(body, { headers: { "content-type": "audio/wav" } });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** `seconds` of a quiet 220 Hz tone, 16 kHz mono. */
function longWav(): Uint8Array<ArrayBuffer> {
  const samples = new Int16Array(16_000 * seconds);
  for (let index = 0; index < samples.length; index++) {
    samples[index] = Math.round(Math.sin((2 * Math.PI * 220 * index) / 16_000) * 3000);
  }
  return wavFromPcm(new Uint8Array(samples.buffer));
}

async function meteredRun(credits: number) {
  const asr = fakeOpenAi();
  const media = lyingMediaServer("/long.wav", longWav());
  const kiln = await engineKiln({
    TTT_BASE: "",
    TTT_ALLOW_PRIVATE_URLS: "true",
    ASR_PROVIDER: "openai",
    OPENAI_API_KEY: "sk-test",
    OPENAI_ASR_BASE_URL: asr.url,
  });
  const token = await userToken(kiln, "listener");
  await grant(kiln, "listener", credits);
  const started = await kiln.request("/transcribe", {
    json: { url: `${media.url}/long.wav` },
    headers: bearer(token),
  });
  assert.equal(started.status, 202, await started.clone().text());
  const accepted: Json = await started.json();
  assert.equal(accepted.credits.held, 1, "the estimate believed the HEAD");
  const settled: Json = await waitFor("the request to settle", async () => {
    const view: Json = await (await kiln.request(`/status/${accepted.requestId}`, { headers: bearer(token) }))
      .json();
    return ["completed", "failed"].includes(view.status) && view;
  }, 30_000);
  const ledger: Json = await (await kiln.request("/v1/credits/transactions", { headers: bearer(token) }))
    .json();
  return {
    settled,
    account: await balance(kiln, token),
    ledger: ledger.items.reverse().map((entry: Json) => `${entry.type} ${entry.amount}`),
    asrCalls: asr.calls.length,
    async [Symbol.asyncDispose]() {
      await kiln[Symbol.asyncDispose]();
      await media[Symbol.asyncDispose]();
      await asr[Symbol.asyncDispose]();
    },
  };
}

Deno.test({
  name: "a lying HEAD does not buy 300 s of audio for 1 credit: the work stops, nothing is charged",
  ignore: ffmpegTool().ignore,
  async fn() {
    await using run = await meteredRun(1);
    assert.equal(run.settled.status, "failed");
    assert.match(run.settled.error, /300 s long and costs 5 credits/);
    assert.equal(run.settled.credits.charged, 0);
    assert.equal(run.settled.result, null);
    assert.equal(run.asrCalls, 0, "refused before the recogniser heard a second of it");
    assert.deepEqual([run.account.balance, run.account.heldCredits], [1, 0]);
    assert.deepEqual(run.ledger, ["grant 1", "hold 1", "release 1"]);
  },
});

Deno.test({
  name: "the price is the measured duration's: a funded user pays exactly 5 credits for 300 s",
  ignore: ffmpegTool().ignore,
  async fn() {
    await using run = await meteredRun(10);
    assert.equal(run.settled.status, "completed", JSON.stringify(run.settled.error));
    assert.equal(run.settled.result.durationSeconds, seconds);
    assert.deepEqual(run.settled.credits, { held: 0, charged: 5, released: 5 });
    assert.deepEqual([run.account.balance, run.account.heldCredits], [5, 0]);
    assert.deepEqual(run.ledger, ["grant 10", "hold 1", "hold 4", "release 5", "charge 5"]);
  },
});
