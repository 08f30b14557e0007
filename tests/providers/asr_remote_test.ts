/**
 * The Hugging Face and OpenAI-compatible adapters against loopback fakes that speak their wire
 * protocols: HF gets the raw WAV with a Bearer token and answers 503 "loading" before `{text}`;
 * OpenAI gets multipart `file` + `model` at /v1/audio/transcriptions. One run goes through the
 * whole service with ASR_PROVIDER=openai.
 */
import assert from "node:assert/strict";
import { KilnError } from "../../lib/errors.ts";
import { createHfAsr } from "../../lib/providers/asr/hf.ts";
import { createOpenAiAsr } from "../../lib/providers/asr/openai.ts";
import { type FakeAsr, fakeOpenAi } from "./fake_openai_asr.ts";
import { testKiln } from "../support/kiln.ts";
import { waitFor } from "../support/wait.ts";
import {
  engineHeaders,
  engineSecret,
  ffmpegTool,
  goForwardWav,
  mediaServer,
} from "../transcription/_helpers.ts";

function fakeHf(loadingResponses: number): FakeAsr {
  const calls: FakeAsr["calls"] = [];
  let loading = loadingResponses;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const bytes = new Uint8Array(await request.arrayBuffer());
    const path = new URL(request.url).pathname;
    calls.push({
      path,
      authorization: request.headers.get("authorization"),
      contentType: request.headers.get("content-type"),
      bytes: bytes.byteLength,
    });
    if (request.headers.get("authorization") !== "Bearer hf_test") {
      return Response.json({ error: "Invalid credentials" }, { status: 401 });
    }
    if (!path.startsWith("/hf-inference/models/")) {
      return Response.json({ error: "Not Found" }, { status: 404 });
    }
    if (loading-- > 0) {
      return Response.json(
        { error: "Model openai/whisper-tiny is currently loading", estimated_time: 0.01 },
        { status: 503 },
      );
    }
    const isWav = new TextDecoder().decode(bytes.subarray(0, 4)) === "RIFF";
    // The pipeline's answer with return_timestamps: text plus timestamped chunks.
    return Response.json({
      text: isWav ? " Go forward ten meters." : "?",
      chunks: [{ text: " Go forward", timestamp: [0.46, 1.16] }, {
        text: " ten meters.",
        timestamp: [1.17, 2.11],
      }],
    });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    calls,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

async function wavFile(): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".wav" });
  await Deno.writeFile(path, goForwardWav());
  return path;
}

Deno.test("HF adapter posts raw audio with the token and waits out a loading model", async () => {
  await using fake = fakeHf(2);
  const path = await wavFile();
  try {
    const asr = createHfAsr({
      apiKey: "hf_test",
      model: "openai/whisper-tiny",
      baseUrl: fake.url,
      maxWaitMs: 20,
    });
    const output = await asr.transcribe({ path, signal: new AbortController().signal });
    assert.equal(output.text, "Go forward ten meters.");
    assert.deepEqual(output.segments, [
      { start: 0.46, end: 1.16, text: "Go forward" },
      { start: 1.17, end: 2.11, text: "ten meters." },
    ]);
    assert.equal(fake.calls.length, 3, "two 503 loading answers, then the text");
    assert.equal(fake.calls[0].path, "/hf-inference/models/openai/whisper-tiny");
    assert.equal(fake.calls[0].contentType, "audio/wav");
    assert.equal(fake.calls[0].bytes, (await Deno.stat(path)).size);

    const wrongKey = createHfAsr({ apiKey: "hf_wrong", model: "m", baseUrl: fake.url });
    await assert.rejects(
      wrongKey.transcribe({ path, signal: new AbortController().signal }),
      (error) =>
        error instanceof KilnError && error.code === "asr_failed" && error.details?.upstreamStatus === 401,
    );
    const noKey = createHfAsr({ model: "m", baseUrl: fake.url });
    assert.equal((await noKey.availability()).available, false);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("OpenAI-compatible adapter sends multipart file + model and reads text, language and timings", async () => {
  await using fake = fakeOpenAi();
  const path = await wavFile();
  try {
    const asr = createOpenAiAsr({ apiKey: "sk-test", model: "whisper-1", baseUrl: fake.url });
    const output = await asr.transcribe({ path, signal: new AbortController().signal });
    assert.equal(output.text, "Go forward ten meters.");
    assert.equal(output.language, "en");
    assert.deepEqual(output.segments, [
      {
        start: 0.46,
        end: 1.16,
        text: "Go forward",
        words: [{ start: 0.46, end: 0.63, word: "Go" }, { start: 0.64, end: 1.16, word: "forward" }],
      },
      {
        start: 1.17,
        end: 2.11,
        text: "ten meters.",
        words: [{ start: 1.17, end: 1.52, word: "ten" }, { start: 1.53, end: 2.11, word: "meters" }],
      },
    ]);
    assert.equal(output.confidence, Math.round(Math.exp(-0.2) * 1000) / 1000, "exp(mean avg_logprob)");
    assert.equal(fake.calls[0].model, "whisper-1");
    assert.deepEqual(fake.calls[0].granularities, ["segment", "word"]);
    assert.match(fake.calls[0].contentType ?? "", /^multipart\/form-data; boundary=/);
    const wrong = createOpenAiAsr({ apiKey: "sk-wrong", model: "whisper-1", baseUrl: fake.url });
    await assert.rejects(
      wrong.transcribe({ path, signal: new AbortController().signal }),
      (error) => error instanceof KilnError && error.details?.upstreamStatus === 401,
    );
  } finally {
    await Deno.remove(path);
  }
});

Deno.test({
  name: "the service transcribes through ASR_PROVIDER=openai and cuts to KEEP_TEXT_MAX",
  ignore: ffmpegTool().ignore,
  async fn() {
    await using fake = fakeOpenAi();
    await using media = mediaServer({ "/memo.wav": goForwardWav() });
    await using kiln = await testKiln({
      TTT_SHARED_SECRET: engineSecret,
      TTT_ALLOW_PRIVATE_URLS: "true",
      ASR_PROVIDER: "openai",
      OPENAI_API_KEY: "sk-test",
      OPENAI_ASR_BASE_URL: fake.url,
      KEEP_TEXT_MAX: "10",
    });
    const { id } = await (await kiln.request("/tttranscribe/transcribe", {
      json: { url: `${media.url}/memo.wav` },
      headers: engineHeaders,
    })).json();
    const done = await waitFor("the openai transcription", async () => {
      const status = await (await kiln.request(`/tttranscribe/status/${id}`, { headers: engineHeaders }))
        .json();
      return ["completed", "failed"].includes(status.status) && status;
    }, 10_000);
    assert.equal(done.status, "completed", JSON.stringify(done.error));
    assert.equal(done.result.transcription, "Go forward", "cut to KEEP_TEXT_MAX characters");
    assert.equal(done.result.truncated, true);
    assert.deepEqual(
      done.result.segments.map((segment: { text: string }) => segment.text),
      ["Go forward"],
      "the segments are cut where the text is",
    );
    assert.equal(done.result.language, "en");
    assert.equal(fake.calls.length, 1);
  },
});
