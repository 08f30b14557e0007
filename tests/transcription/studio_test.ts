/**
 * The studio's API: a link or a file in (multipart), ids readable only for what the studio started,
 * per-address limits, and the transcript as TXT, SRT and WebVTT cued by the recogniser's segments.
 * Segment timings come from the fixture result below, in the shape the API returns
 * (`result.segments: [{start, end, text, words?}]`, seconds).
 */
import assert from "node:assert/strict";
import { testKiln } from "../support/kiln.ts";
import { writeCache } from "../../lib/transcription/cache.ts";
import type { TranscriptionResult } from "../../lib/transcription/webhook_payload.ts";
import { formatTranscript } from "../../lib/transcription/subtitles.ts";
import { engineSecret } from "./_helpers.ts";
import { timedResult } from "./timed_fixture.ts";

const form = (fields: Record<string, string | File>) => {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.set(name, value);
  return { method: "POST", body };
};

Deno.test("the transcript downloads follow the segments: SRT and WebVTT cues, plain text", async () => {
  await using kiln = await testKiln({ TTT_ALLOW_PRIVATE_URLS: "true" });
  const url = "http://127.0.0.1:9/talk.mp3";
  await writeCache(kiln.services.kv, url, timedResult as TranscriptionResult);
  const accepted = await kiln.request("/api/transcription", form({ url }));
  assert.equal(accepted.status, 202);
  const { id, cached, status_url } = await accepted.json();
  assert.equal(cached, true);
  const status = await (await kiln.request(status_url)).json();
  assert.equal(status.status, "completed");
  assert.deepEqual(status.result.segments, timedResult.segments);

  const download = async (format: string) => {
    const response = await kiln.request(`/api/transcription/${id}/transcript/${format}`);
    assert.equal(response.status, 200);
    assert.match(
      response.headers.get("content-disposition")!,
      new RegExp(`attachment; filename="transcript-${id}\\.${format}"`),
    );
    return await response.text();
  };
  assert.equal(
    await download("srt"),
    "1\n00:00:00,200 --> 00:00:02,750\nGo forward ten meters.\n\n" +
      "2\n00:00:03,100 --> 00:00:06,400\nThen turn left → at the door.\n",
  );
  assert.equal(
    await download("vtt"),
    "WEBVTT\n\n00:00:00.200 --> 00:00:02.750\nGo forward ten meters.\n\n" +
      "00:00:03.100 --> 00:00:06.400\nThen turn left → at the door.\n",
  );
  assert.equal(await download("txt"), `${timedResult.transcription}\n`);
  assert.equal((await kiln.request(`/api/transcription/${id}/transcript/doc`)).status, 422);
  assert.equal(
    (await kiln.request(`/api/transcription/${id}/events`)).status,
    404,
    "a cached result has no job",
  );
});

Deno.test("a result without timings is one cue over the whole recording", () => {
  const untimed = { transcription: "hello there", durationSeconds: 61.5 };
  assert.equal(formatTranscript(untimed, "srt"), "1\n00:00:00,000 --> 00:01:01,500\nhello there\n");
  assert.equal(formatTranscript({ transcription: "  ", durationSeconds: 3 }, "vtt"), "WEBVTT\n\n");
});

Deno.test("studio routes read only what the studio started; bad input is a 422, floods a 429", async () => {
  await using kiln = await testKiln({ TTT_SHARED_SECRET: engineSecret });
  const missing = await kiln.request("/api/transcription", form({ url: "" }));
  assert.equal(missing.status, 422);
  assert.equal((await missing.json()).code, "source_missing");
  const local = await kiln.request("/api/transcription", form({ url: "http://127.0.0.1/secret.mp3" }));
  assert.equal(local.status, 422, "the private-address guard holds for the studio too");
  await local.body?.cancel();
  const json = await kiln.request("/api/transcription", { json: { url: "https://example.com/a.mp3" } });
  assert.equal(json.status, 415);
  await json.body?.cancel();

  const viaEngine = await kiln.request("/tttranscribe/transcribe", {
    method: "POST",
    headers: { "x-engine-auth": engineSecret },
    body: (() => {
      const body = new FormData();
      body.set("file", new File([new Uint8Array(64)], "memo.wav"));
      return body;
    })(),
  });
  const { id } = await viaEngine.json();
  for (const path of [`/api/transcription/${id}`, `/api/transcription/${id}/events`]) {
    const response = await kiln.request(path);
    assert.equal(response.status, 404, `${path}: an engine transcription is not the studio's to show`);
    await response.body?.cancel();
  }

  const statuses: number[] = [];
  for (let attempt = 0; attempt < 9; attempt++) {
    const response = await kiln.request("/api/transcription", form({ url: "" }));
    statuses.push(response.status);
    await response.body?.cancel();
  }
  assert.deepEqual(statuses, [...Array(7).fill(422), 429, 429], "10 submissions per 10 minutes per address");
});
