/** Reading pocketsphinx's `-time yes` output into segments, words and a confidence. */
import assert from "node:assert/strict";
import { meanConfidence, parseTimedOutput } from "../../lib/providers/asr/sphinx_output.ts";

// Two utterances as pocketsphinx_continuous 0.8 prints them (times from the start of the file).
const output = `go forward ten meters
<s> 0.390 0.460 1.000000
go 0.470 0.640 0.997303
forward 0.650 1.170 0.996705
ten 1.180 1.530 0.236604
meters 1.540 2.120 0.947616
</s> 2.130 2.610 1.000000
and mr john
<s> 4.900 5.250 0.999800
and(2) 5.260 5.430 0.260057
<sil> 5.440 5.500 0.553348
[NOISE] 5.500 5.600 0.553348
mr 5.610 5.960 0.988762
john 5.970 6.320 0.929128
</s> 6.330 6.910 1.000000
`;

Deno.test("utterances become segments; fillers and pronunciation variants are not words", () => {
  const segments = parseTimedOutput(output);
  assert.equal(segments.length, 2);
  assert.deepEqual(
    segments.map(({ start, end, text }) => ({ start, end, text })),
    [
      { start: 0.47, end: 2.12, text: "go forward ten meters" },
      { start: 5.26, end: 6.32, text: "and mr john" },
    ],
  );
  assert.deepEqual(segments[1].words?.map((word) => word.word), ["and", "mr", "john"]);
  assert.deepEqual(segments[0].words?.[2], { start: 1.18, end: 1.53, word: "ten", confidence: 0.236604 });
});

Deno.test("confidence is the time-weighted mean of the word posteriors", () => {
  const segments = parseTimedOutput(output);
  const words = segments.flatMap((segment) => segment.words ?? []);
  const weights = words.map((word) => word.end - word.start);
  const expected = words.reduce((sum, word, index) => sum + word.confidence! * weights[index], 0) /
    weights.reduce((sum, weight) => sum + weight, 0);
  assert.equal(meanConfidence(segments), Math.round(expected * 1000) / 1000);
  assert.equal(meanConfidence([]), undefined);
  assert.deepEqual(parseTimedOutput(""), []);
});
