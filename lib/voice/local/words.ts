/**
 * Words of the ordering dialogue: how typed or recognised text is normalised into tokens, and the
 * number words a caller says ("two", "a couple of", "one twenty three" for a house number). The
 * intent parser and the recogniser's grammar share these lists, so what the grammar lets
 * pocketsphinx hear is exactly what the parser understands.
 */

const contractions: Record<string, string> = {
  "i'd": "i would",
  "i'll": "i will",
  "i'm": "i am",
  "i've": "i have",
  "we'd": "we would",
  "we'll": "we will",
  "we're": "we are",
  "what's": "what is",
  "that's": "that is",
  "it's": "it is",
  "there's": "there is",
  "name's": "name is",
  "let's": "let us",
  "don't": "do not",
  "doesn't": "does not",
  "can't": "cannot",
  "won't": "will not",
  "how's": "how is",
};

/** Lower-case tokens: punctuation dropped, contractions expanded, "gluten-free" → "gluten free". */
export function tokenize(text: string): string[] {
  const cleaned = text.toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}/gu, "") // "crème brûlée" → "creme brulee", as a caller types and the recogniser says it
    .replace(/[’‘`]/g, "'")
    .replace(/&/g, " and ")
    .replace(/(\d)\s*x\b/g, "$1 ") // "2x naan"
    .replace(/[^\p{L}\p{N}' ]+/gu, " ");
  return cleaned.split(/\s+/).filter(Boolean).flatMap((word) => {
    const expanded = contractions[word];
    if (expanded) return expanded.split(" ");
    return [word.replace(/^'+|'+$/g, "")].filter(Boolean);
  });
}

/** Comparable form of a word: plural endings off ("naans" → "naan", "samosas" → "samosa"). */
export function stem(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(ch|sh|x|ss)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

export const unitWords = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
export const teenWords = [
  "ten",
  "eleven",
  "twelve",
  "thirteen",
  "fourteen",
  "fifteen",
  "sixteen",
  "seventeen",
  "eighteen",
  "nineteen",
];
export const tensWords = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/** Quantities a caller orders: 1–20 as words (the tools accept at most 20 of a dish per call). */
export const quantityWords = [...unitWords.slice(1), ...teenWords, "twenty"];

/** The value of one number word or digit string, if it is one. */
export function numberValue(word: string): number | undefined {
  if (/^\d{1,6}$/.test(word)) return Number(word);
  if (word === "oh") return 0;
  let index = unitWords.indexOf(word);
  if (index >= 0) return index;
  index = teenWords.indexOf(word);
  if (index >= 0) return 10 + index;
  index = tensWords.indexOf(word);
  if (index >= 0) return 20 + 10 * index;
  return undefined;
}

/**
 * A spoken digit run as digits: "five five five zero one" → "55501", "one twenty three" → "123",
 * "forty two" → "42", "double five" → "55". Returns the digits and how many tokens it used.
 */
export function readDigits(tokens: string[], start: number): { digits: string; used: number } {
  let digits = "";
  let at = start;
  while (at < tokens.length) {
    const word = tokens[at];
    if (word === "double" || word === "triple") {
      const next = tokens[at + 1] === undefined ? undefined : numberValue(tokens[at + 1]);
      if (next === undefined || next > 9) break;
      digits += String(next).repeat(word === "double" ? 2 : 3);
      at += 2;
      continue;
    }
    const value = numberValue(word);
    if (value === undefined) break;
    if (value >= 20 && value % 10 === 0 && value < 100) {
      const unit = tokens[at + 1] === undefined ? undefined : numberValue(tokens[at + 1]);
      if (unit !== undefined && unit >= 1 && unit <= 9 && !/^\d/.test(tokens[at + 1])) {
        digits += String(value + unit);
        at += 2;
        continue;
      }
    }
    digits += /^\d+$/.test(word) ? word : String(value);
    at++;
  }
  return { digits, used: at - start };
}

/** Words that never identify a dish on their own ("the", "with", "and" in "fish and chips"). */
export const fillerWords = new Set([
  "a",
  "an",
  "and",
  "the",
  "of",
  "with",
  "in",
  "on",
  "style",
  "special",
  "plate",
  "side",
  "extra",
  "my",
]);
