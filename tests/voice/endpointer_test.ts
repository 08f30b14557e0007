/** Where utterances begin and end in a stream: speech opens a turn; noise, clicks and silence do not. */
import assert from "node:assert/strict";
import { Endpointer, type EndpointerEvent } from "../../lib/voice/audio/endpointer.ts";
import { concatPcm } from "../../lib/voice/audio/pcm.ts";
import { noise, silence } from "./corpus.ts";

/** A 200 Hz tone at `levelDb` dBFS: stands in for a voice (energy is all the endpointer looks at). */
function tone(ms: number, levelDb: number): Int16Array {
  const out = new Int16Array(16 * ms);
  const amplitude = 32768 * 10 ** (levelDb / 20) * Math.SQRT2;
  for (let index = 0; index < out.length; index++) {
    out[index] = Math.round(amplitude * Math.sin((2 * Math.PI * 200 * index) / 16_000));
  }
  return out;
}

function run(audio: Int16Array, endpointer = new Endpointer()): EndpointerEvent[] {
  const events: EndpointerEvent[] = [];
  for (let offset = 0; offset < audio.length; offset += 1_600) {
    events.push(...endpointer.push(audio.slice(offset, offset + 1_600)));
  }
  return events;
}

const kinds = (events: EndpointerEvent[]) =>
  events.filter((event) => event.type !== "audio").map((event) => event.type);

Deno.test("speech between silences is one utterance, with pre-roll and the audio in between", () => {
  const events = run(concatPcm(silence(500), tone(1_200, -20), silence(1_000)));
  assert.deepEqual(kinds(events), ["start", "confirmed", "end"]);
  const start = events[0] as { audio: Int16Array };
  assert.ok(start.audio.length >= 16 * 300, "300 ms of pre-roll so the first syllable is not clipped");
  const end = events.find((event) => event.type === "end") as { speechMs: number; reason: string };
  assert.equal(end.reason, "silence");
  assert.ok(Math.abs(end.speechMs - 1_200) <= 100, `${end.speechMs}`);
});

Deno.test("steady noise never opens a turn, and speech above it still does", () => {
  assert.deepEqual(kinds(run(noise(4_000, -35))), []);
  const events = run(concatPcm(noise(2_000, -40), concatPcm(tone(800, -18)), noise(1_500, -40, 7)));
  assert.deepEqual(kinds(events), ["start", "confirmed", "end"]);
});

Deno.test("clicks and short bumps are discarded without a turn", () => {
  assert.deepEqual(kinds(run(concatPcm(silence(300), tone(40, -10), silence(800)))), []);
  assert.deepEqual(kinds(run(concatPcm(silence(300), tone(120, -10), silence(800)))), ["start", "discard"]);
});

Deno.test("long speech is cut at the maximum, and flush ends an utterance at once", () => {
  const long = run(concatPcm(silence(200), tone(3_000, -20)), new Endpointer({ maxUtteranceMs: 1_000 }));
  assert.deepEqual(kinds(long).slice(0, 3), ["start", "confirmed", "end"]);
  assert.equal((long.find((event) => event.type === "end") as { reason: string }).reason, "max_length");

  const endpointer = new Endpointer();
  assert.deepEqual(kinds(run(concatPcm(silence(200), tone(600, -20)), endpointer)), ["start", "confirmed"]);
  const flushed = endpointer.flush();
  assert.deepEqual(kinds(flushed), ["end"]);
  assert.equal((flushed.at(-1) as { reason: string }).reason, "flush");
  assert.deepEqual(endpointer.flush(), []);
});
