/** The audio-quality grade from real and made-up PCM: clean speech, noise, clipping, silence. */
import assert from "node:assert/strict";
import { measureAudioQuality } from "../../lib/transcription/audio_quality.ts";
import { goForwardRaw, wavFromPcm } from "./_helpers.ts";

async function grade(pcm: Int16Array) {
  const path = await Deno.makeTempFile({ suffix: ".wav" });
  try {
    await Deno.writeFile(path, wavFromPcm(new Uint8Array(pcm.buffer)));
    return await measureAudioQuality(path);
  } finally {
    await Deno.remove(path);
  }
}

/** Deterministic noise (a fixed LCG: tests must not depend on randomness). */
function noise(length: number, amplitude: number, seed = 7): Int16Array {
  const samples = new Int16Array(length);
  let state = seed;
  for (let index = 0; index < length; index++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    samples[index] = Math.round(((state / 2 ** 31) * 2 - 1) * amplitude);
  }
  return samples;
}

Deno.test({
  name: "a clean recording grades high",
  ignore: (() => {
    try {
      return !Deno.statSync(goForwardRaw).isFile;
    } catch {
      return true;
    }
  })(),
  async fn() {
    const raw = Deno.readFileSync(goForwardRaw);
    const measured = await grade(new Int16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2));
    assert.equal(measured.quality, "high");
    assert.ok(measured.snrDb! > 25);
  },
});

Deno.test("speech buried in noise grades low, clipping is counted, silence is silent", async () => {
  const seconds = 16_000 * 2;
  const buried = noise(seconds, 3000);
  for (let index = 0; index < seconds / 2; index++) {
    buried[index] += Math.round(Math.sin(index / 8) * 4000); // a tone barely above the noise
  }
  const low = await grade(buried);
  assert.equal(low.quality, "low");

  const clipped = new Int16Array(seconds).map((_, index) => (index % 40 < 20 ? 32767 : -32768));
  const hot = await grade(clipped);
  assert.equal(hot.clippedRatio, 1);
  assert.notEqual(hot.quality, "high");

  assert.equal((await grade(new Int16Array(seconds))).quality, "silent");
  assert.equal((await grade(new Int16Array(0))).quality, "silent");
});
