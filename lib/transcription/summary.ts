/**
 * Transcript post-processing: the length cap (`KEEP_TEXT_MAX`) and a short extractive summary.
 * The summary picks the highest-scoring sentences by word frequency (stop words ignored) and keeps
 * them in their original order — no model needed, deterministic, language-agnostic enough for ASR
 * output (which often has no punctuation, so long runs are split into ~25-word chunks).
 */
import { splitSentences } from "../media/sentences.ts";

export function truncateText(text: string, max: number): { text: string; truncated: boolean } {
  const characters = [...text];
  if (characters.length <= max) return { text, truncated: false };
  return { text: characters.slice(0, max).join(""), truncated: true };
}

const stopWords = new Set(
  ("a an the and or but of to in on at for with is are was were be been it its this that these those i you he she " +
    "we they me him her us them my your his our their as by from so not no do does did have has had will would " +
    "can could should there here what which who whom then than too very just also into out up down over")
    .split(" "),
);

export function summarise(text: string, maxSentences = 3, maxCharacters = 500): string {
  const sentences = splitSentences(text, { longerThan: 40, pieceWords: 25 });
  if (sentences.length <= maxSentences) return clip(sentences.join(" "), maxCharacters);
  const frequency = new Map<string, number>();
  for (const word of words(text)) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  const scored = sentences.map((sentence, index) => {
    const list = words(sentence);
    const score = list.reduce((sum, word) => sum + (frequency.get(word) ?? 0), 0) / Math.max(1, list.length);
    return { sentence, index, score };
  });
  const chosen = scored.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, maxSentences)
    .sort((a, b) => a.index - b.index);
  return clip(chosen.map((item) => item.sentence).join(" "), maxCharacters);
}

function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []).filter((word) => !stopWords.has(word));
}

function clip(text: string, max: number): string {
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join("").trimEnd()}…`;
}
