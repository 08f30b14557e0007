/**
 * The offline script writer: an extractive summariser. It scores sentences by the document-wide
 * frequency of their content words, keeps the best ones in reading order up to a word budget —
 * grouped into sections by the document's headings — and frames them with an opening and closing
 * line in the document's language and the chosen category.
 */
import { splitSentences } from "../media/sentences.ts";
import { countWords, type Language } from "./script_rules.ts";
import { keyPointOf, type ScriptSection } from "./sections.ts";

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

export interface RankedSentence {
  sentence: string;
  partIndex: number;
  /** Position in reading order. */
  index: number;
  score: number;
}

/**
 * Every usable sentence (3–60 words) of every part, scored by the document-wide frequency of its
 * content words (normalised by length) with a small bonus for early sentences, which usually state
 * the topic.
 */
export function rankSentences(parts: SourcePart[]): RankedSentence[] {
  const candidates = parts.flatMap((part, partIndex) =>
    splitSentences(part.text)
      .map((sentence) => /[.!?؟]$/.test(sentence) ? sentence : `${sentence}.`)
      .filter((sentence) => {
        const words = countWords(sentence);
        return words >= 3 && words <= 60;
      })
      .map((sentence) => ({ sentence, partIndex }))
  );
  const tokens = candidates.map(({ sentence }) =>
    (sentence.toLowerCase().normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? [])
      .filter((word) => word.length > 2 && !stopWords.has(word))
  );
  const frequency = new Map<string, number>();
  for (const words of tokens) for (const word of words) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  return candidates.map((candidate, index) => {
    const words = tokens[index];
    const weight = words.reduce((sum, word) => sum + (frequency.get(word) ?? 0), 0);
    const positionBonus = 1 + 0.5 / (1 + index);
    return { ...candidate, index, score: (weight / Math.sqrt(Math.max(words.length, 1))) * positionBonus };
  });
}

export interface SourcePart {
  title?: string;
  page?: number;
  text: string;
}

/** Sections shown at most; more parts than this keep only the best-scoring ones. */
const maxSummarySections = 6;
/** A lone long part is cut into sections of this many sentences. */
const sentencesPerChunk = 3;

/**
 * The extractive script, by section: every part (the text under a heading, or a page) offers its
 * sentences; each of the best parts keeps its best sentence, the rest of the word budget goes to the
 * highest-scoring sentences anywhere, and each part's chosen sentences become a section in reading
 * order, with its heading as title and its sentences' leading clauses as key points.
 */
export function summariseSections(
  parts: SourcePart[],
  language: Language,
  category: Category,
  targetWords: number,
): ScriptSection[] {
  const scored = rankSentences(parts);
  const [opening, closing] = framing[language][category];
  const budget = targetWords - countWords(opening) - countWords(closing);
  const chosen = new Set<number>();
  let used = 0;
  const take = (candidate: (typeof scored)[number]) => {
    const words = countWords(candidate.sentence);
    if (chosen.has(candidate.index) || used + words > budget) return;
    chosen.add(candidate.index);
    used += words;
  };
  const byScore = [...scored].sort((a, b) => b.score - a.score || a.index - b.index);
  const bestOfPart = new Map<number, (typeof scored)[number]>();
  for (const candidate of byScore) {
    if (!bestOfPart.has(candidate.partIndex)) bestOfPart.set(candidate.partIndex, candidate);
  }
  const keptParts = new Set(
    [...bestOfPart.values()].sort((a, b) => b.score - a.score).slice(0, maxSummarySections).map((c) =>
      c.partIndex
    ),
  );
  for (const partIndex of [...keptParts].sort((a, b) => a - b)) take(bestOfPart.get(partIndex)!);
  for (const candidate of byScore) if (keptParts.has(candidate.partIndex)) take(candidate);

  const picked = scored.filter((candidate) => chosen.has(candidate.index));
  const groups: { part: SourcePart; sentences: typeof picked }[] = [];
  for (const candidate of picked) {
    const last = groups.at(-1);
    if (last && last.part === parts[candidate.partIndex]) last.sentences.push(candidate);
    else groups.push({ part: parts[candidate.partIndex], sentences: [candidate] });
  }
  // One long untitled part (a single-page memo) still gets sections, a few sentences each.
  const chunked = groups.length === 1 && groups[0].sentences.length > sentencesPerChunk + 1
    ? Array.from(
      { length: Math.ceil(groups[0].sentences.length / sentencesPerChunk) },
      (_, chunk) => ({
        part: { ...groups[0].part, title: chunk === 0 ? groups[0].part.title : undefined },
        sentences: groups[0].sentences.slice(chunk * sentencesPerChunk, (chunk + 1) * sentencesPerChunk),
      }),
    )
    : groups;
  const sections: ScriptSection[] = chunked.map(({ part, sentences }) => {
    const points = [...sentences].sort((a, b) => b.score - a.score).map((item) => keyPointOf(item.sentence))
      .filter((point, index, all) => countWords(point) >= 2 && all.indexOf(point) === index).slice(0, 3);
    return {
      title: part.title ?? points[0] ?? keyPointOf(sentences[0].sentence),
      text: sentences.map((item) => item.sentence).join(" "),
      keyPoints: points.filter((point) =>
        point !== part.title && (part.title !== undefined || point !== points[0])
      ),
      ...(part.page ? { page: part.page } : {}),
    };
  });
  if (sections.length === 0) {
    return [{ title: opening.replace(/[.!]$/, ""), text: `${opening} ${closing}`, keyPoints: [] }];
  }
  sections[0].text = `${opening} ${sections[0].text}`;
  sections.at(-1)!.text = `${sections.at(-1)!.text} ${closing}`;
  return sections;
}
