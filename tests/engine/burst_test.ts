/**
 * No self-inflicted outage: 50 funded users start a metered transcription at the same moment. The
 * engine reaches its own transcription service in-process, so the per-address bucket meant for
 * outside callers (10/min) never sees the burst: every user gets 202, the breaker stays closed,
 * and after the real pipeline (ffmpeg + an OpenAI-compatible recogniser on loopback) and the
 * signed webhook, each user is charged exactly once. Bounded: 50 requests, loopback only.
 */
import assert from "node:assert/strict";
import { fakeOpenAi } from "../providers/fake_openai_asr.ts";
import { waitFor } from "../support/wait.ts";
import { ffmpegTool, goForwardWav, mediaServer } from "../transcription/_helpers.ts";
import { adminHeaders, bearer, engineKiln, fakeTtt, grant, type Json, range, userToken } from "./_helpers.ts";

const users = 50;

Deno.test({
  name: "50 users transcribing at once through the engine: 50 × 202, breaker closed, charged once each",
  ignore: ffmpegTool().ignore,
  async fn() {
    await using asr = fakeOpenAi();
    await using media = mediaServer(
      Object.fromEntries(range(users).map((n) => [`/clip-${n}.wav`, goForwardWav()])),
    );
    await using kiln = await engineKiln({
      TTT_BASE: "", // unset: the local service, reached in-process
      TTT_ALLOW_PRIVATE_URLS: "true",
      ASR_PROVIDER: "openai",
      OPENAI_API_KEY: "sk-test",
      OPENAI_ASR_BASE_URL: asr.url,
      RATE_LIMIT_CAPACITY: "10", // the seed's per-address bucket, unchanged
      RATE_LIMIT_REFILL_PER_MIN: "10",
    });
    const tokens = await Promise.all(range(users).map((n) => userToken(kiln, `burst-${n}`)));
    await Promise.all(
      range(users).map((n) =>
        kiln.request("/v1/credits/add", { json: { userId: `burst-${n}`, amount: 3 }, headers: adminHeaders })
          .then((response) => response.body?.cancel())
      ),
    );

    const answers = await Promise.all(
      range(users).map(async (n) => {
        const response = await kiln.request("/transcribe", {
          json: { url: `${media.url}/clip-${n}.wav` },
          headers: bearer(tokens[n]),
        });
        return { status: response.status, body: await response.json() as Json };
      }),
    );
    assert.deepEqual(
      answers.map((answer) => answer.status),
      range(users).map(() => 202),
      JSON.stringify(answers.find((answer) => answer.status !== 202)?.body),
    );
    const breaker: Json = await (await kiln.request("/health/services")).json();
    assert.equal(breaker.services.tttranscribe.circuitBreaker.state, "closed");
    assert.equal(breaker.services.tttranscribe.circuitBreaker.consecutiveFailures, 0);

    await waitFor("every transcription to settle", async () => {
      const views = await Promise.all(
        range(users).map(async (n) =>
          (await kiln.request(`/status/${answers[n].body.requestId}`, { headers: bearer(tokens[n]) })).json()
        ),
      );
      const failed = views.find((view: Json) => view.status === "failed");
      assert.equal(failed, undefined, JSON.stringify(failed));
      return views.every((view: Json) => view.status === "completed");
    }, 60_000);

    for (const n of range(users)) {
      const account: Json = await (await kiln.request("/v1/credits/balance", { headers: bearer(tokens[n]) }))
        .json();
      assert.deepEqual([account.balance, account.heldCredits], [2, 0], `user ${n}`);
      const ledger: Json =
        await (await kiln.request("/v1/credits/transactions", { headers: bearer(tokens[n]) }))
          .json();
      const charges = ledger.items.filter((entry: Json) => entry.type === "charge");
      assert.equal(charges.length, 1, `user ${n} charged once`);
      assert.equal(charges[0].amount, 1);
    }
    assert.equal(asr.calls.length, users, "one recognition per user");
  },
});

Deno.test("the engine limits each user before forwarding: the service never sees the excess", async () => {
  await using ttt = fakeTtt();
  await using kiln = await engineKiln({ TTT_BASE: ttt.base, ENGINE_TRANSCRIBES_PER_MINUTE: "2" });
  const token = await userToken(kiln, "eager");
  await grant(kiln, "eager", 20);
  const statuses: number[] = [];
  for (const n of range(4)) {
    const response = await kiln.request("/transcribe", {
      json: { url: `https://media.example/clip-${n}.wav` },
      headers: bearer(token),
    });
    statuses.push(response.status);
    if (response.status === 429) assert.ok(Number(response.headers.get("retry-after")) >= 1);
    await response.body?.cancel();
  }
  assert.deepEqual(statuses, [202, 202, 429, 429]);
  assert.equal(ttt.calls.filter((call) => call.path === "/transcribe").length, 2);
  const other = await userToken(kiln, "patient");
  await grant(kiln, "patient", 5);
  const response = await kiln.request("/transcribe", {
    json: { url: "https://media.example/other.wav" },
    headers: bearer(other),
  });
  assert.equal(response.status, 202, "another user is not affected");
  await response.body?.cancel();
});
