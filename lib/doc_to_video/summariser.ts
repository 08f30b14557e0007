/**
 * The offline script writer: an extractive summariser. It scores sentences by the document-wide
 * frequency of their content words, keeps the best ones in reading order up to a word budget, and
 * frames them with an opening and closing line in the document's language and the chosen category.
 */
import { countWords, type Language } from "./script_rules.ts";

export type Category = "summarize" | "explanation";

const framing: Record<Language, Record<Category, [string, string]>> = {
  en: {
    summarize: ["Here is a short summary of the document.", "That is the essence of the document."],
    explanation: [
      "Let me explain the key ideas of this document, step by step.",
      "Those are the main ideas, explained simply.",
    ],
  },
  ar: {
    summarize: ["إليكم ملخصاً قصيراً لهذه الوثيقة.", "هذه هي الفكرة الأساسية للوثيقة."],
    explanation: [
      "دعوني أشرح الأفكار الرئيسية في هذه الوثيقة خطوة بخطوة.",
      "هذه هي الأفكار الرئيسية بشرح مبسط.",
    ],
  },
};

const stopWords = new Set(
  ("a an and are as at be by for from has have in is it its of on or that the this to was were will with " +
    "we you they he she not but can our their which these those also been into more than such other " +
    "في من على إلى عن أن إن هذا هذه التي الذي ما لا مع كان هو هي ثم أو قد كل").split(" "),
);

export function splitIntoSentences(text: string): string[] {
  return text
    .replace(/\s+/g, " ")
    .split(/(?<=[.!?؟])\s+|\n+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}

export function summarise(text: string, language: Language, category: Category, targetWords: number): string {
  const sentences = splitIntoSentences(text)
    .map((sentence) => /[.!?؟]$/.test(sentence) ? sentence : `${sentence}.`)
    .filter((sentence) => {
      const words = countWords(sentence);
      return words >= 3 && words <= 60;
    });
  const frequency = new Map<string, number>();
  const tokens = sentences.map((sentence) =>
    (sentence.toLowerCase().normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? [])
      .filter((word) => word.length > 2 && !stopWords.has(word))
  );
  for (const words of tokens) for (const word of words) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  const scored = sentences.map((sentence, index) => {
    const words = tokens[index];
    const weight = words.reduce((sum, word) => sum + (frequency.get(word) ?? 0), 0);
    // Early sentences usually state the topic: a small bonus keeps the summary anchored.
    const positionBonus = 1 + 0.5 / (1 + index);
    return { sentence, index, score: (weight / Math.sqrt(Math.max(words.length, 1))) * positionBonus };
  });
  const [opening, closing] = framing[language][category];
  const budget = targetWords - countWords(opening) - countWords(closing);
  const chosen: typeof scored = [];
  let used = 0;
  for (const candidate of [...scored].sort((a, b) => b.score - a.score || a.index - b.index)) {
    const words = countWords(candidate.sentence);
    if (used + words > budget) continue;
    chosen.push(candidate);
    used += words;
  }
  chosen.sort((a, b) => a.index - b.index);
  return [opening, ...chosen.map((item) => item.sentence), closing].join(" ");
}
