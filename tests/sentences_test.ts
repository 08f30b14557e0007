/** The one sentence splitter shared by doc-to-video captions, its summariser and transcript summaries. */
import assert from "node:assert/strict";
import { captionCut, splitSentences } from "../lib/media/sentences.ts";

Deno.test("splitSentences ends sentences at Latin, Arabic and CJK marks and collapses whitespace", () => {
  assert.deepEqual(splitSentences("  One.\n\nTwo!   Three? هل هذا صحيح؟ نعم. 一。 二 "), [
    "One.",
    "Two!",
    "Three?",
    "هل هذا صحيح؟",
    "نعم.",
    "一。",
    "二",
  ]);
  // A mark inside a word or number does not end a sentence.
  assert.deepEqual(splitSentences("It costs 12.50 today. e.g.this stays"), [
    "It costs 12.50 today.",
    "e.g.this stays",
  ]);
  assert.deepEqual(splitSentences(" \n "), []);
});

Deno.test("splitSentences cuts only sentences longer than the cut, into pieces of its size", () => {
  const words = (count: number) => Array.from({ length: count }, (_, index) => `w${index}`).join(" ");
  assert.deepEqual(splitSentences(words(28), captionCut), [words(28)]);
  const pieces = splitSentences(words(50), captionCut);
  assert.deepEqual(pieces.map((piece) => piece.split(" ").length), [24, 24, 2]);
  assert.equal(pieces.join(" "), words(50));
  assert.deepEqual(splitSentences(words(50)), [words(50)], "without a cut nothing is split");
});
