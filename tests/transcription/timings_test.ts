/** Segments follow the text cap and stay within the stored-value budget. */
import assert from "node:assert/strict";
import { fitSegments, truncateSegments } from "../../lib/transcription/timings.ts";
import type { TimedSegment } from "../../lib/providers/asr/types.ts";

const word = (text: string, start: number) => ({ start, end: start + 0.5, word: text, confidence: 0.9 });
const segments: TimedSegment[] = [
  { start: 0, end: 1, text: "go forward", words: [word("go", 0), word("forward", 0.5)] },
  {
    start: 2,
    end: 3.5,
    text: "ten meters now",
    words: [word("ten", 2), word("meters", 2.5), word("now", 3)],
  },
];

Deno.test("truncating the text truncates the segments at the same character", () => {
  assert.deepEqual(truncateSegments(segments, 100), segments);
  const cut = truncateSegments(segments, "go forward ten met".length);
  assert.equal(cut.length, 2);
  assert.equal(cut.map((segment) => segment.text).join(" "), "go forward ten met");
  assert.deepEqual(cut[1].words?.map((item) => item.word), ["ten"], "only whole words stay");
  assert.equal(cut[1].end, 2.5, "the cut segment ends with its last whole word");
  assert.deepEqual(truncateSegments(segments, "go forward".length), [segments[0]]);
});

Deno.test("per-word timings are dropped, never the segments, when the whole would not fit", () => {
  const many: TimedSegment[] = Array.from({ length: 400 }, (_, index) => ({
    start: index,
    end: index + 1,
    text: "a fairly ordinary sentence of words",
    words: "a fairly ordinary sentence of words".split(" ").map((text, at) => word(text, index + at / 10)),
  }));
  const fitted = fitSegments(many, 36 * 1024);
  assert.equal(fitted.length, 400, "every segment kept");
  assert.ok(fitted.every((segment) => segment.words === undefined));
  assert.ok(JSON.stringify(fitted).length <= 36 * 1024);
  assert.deepEqual(fitSegments(segments), segments, "small results keep their words");
});
