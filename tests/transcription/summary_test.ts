import assert from "node:assert/strict";
import { summarise, truncateText } from "../../lib/transcription/summary.ts";

Deno.test("truncation counts characters, not UTF-16 units, and says when it cut", () => {
  assert.deepEqual(truncateText("hello", 10), { text: "hello", truncated: false });
  assert.deepEqual(truncateText("hello world", 5), { text: "hello", truncated: true });
  assert.deepEqual(truncateText("😀😀😀", 2), { text: "😀😀", truncated: true });
});

Deno.test("the summary keeps the most representative sentences in their original order", () => {
  const text =
    "Credits pay for transcription. The weather was nice. Each transcription costs credits per minute. " +
    "Lunch was late. Unused credits are released when a transcription fails.";
  const summary = summarise(text, 2);
  assert.equal(summary, "Credits pay for transcription. Each transcription costs credits per minute.");
  assert.equal(summarise("go forward ten meters"), "go forward ten meters");
  assert.equal(summarise(""), "");
  // ASR output without punctuation is split into chunks, and the summary stays short.
  const unpunctuated = Array.from({ length: 300 }, (_, index) => `word${index % 17}`).join(" ");
  assert.ok(summarise(unpunctuated).length <= 500);
});
