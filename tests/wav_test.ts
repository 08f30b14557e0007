/** The one WAV header reader: durations of narration (bytes) and of extracted audio (a file on disk). */
import assert from "node:assert/strict";
import { encodeWav, readWavFileHeader, wavHeader, wavSeconds } from "../lib/media/wav.ts";

Deno.test("a WAV's duration is the same from its bytes and from its file, without reading the samples", async () => {
  const wav = encodeWav(new Int16Array(16_000 * 3 / 2), 16_000); // 1.5 s of 16 kHz mono
  const path = await Deno.makeTempFile({ suffix: ".wav" });
  try {
    await Deno.writeFile(path, wav);
    const fromFile = await readWavFileHeader(path);
    assert.deepEqual(fromFile, wavHeader(wav));
    assert.equal(wavSeconds(fromFile), 1.5);
  } finally {
    await Deno.remove(path);
  }
  assert.equal(
    wavSeconds({ dataBytes: 100, byteRate: 0 }),
    0,
    "a header without a byte rate has no duration",
  );
});
