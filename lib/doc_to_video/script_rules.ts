/**
 * Language-aware script rules: English 50–400 words at 150 wpm, Arabic 40–320 words at 120 wpm
 * (Arabic packs more into a word), at most 5000 characters and 20–180 seconds of speech.
 */
export type Language = "en" | "ar";

export interface ScriptLimits {
  minWords: number;
  maxWords: number;
  wordsPerMinute: number;
}

export const scriptLimits: Record<Language, ScriptLimits> = {
  en: { minWords: 50, maxWords: 400, wordsPerMinute: 150 },
  ar: { minWords: 40, maxWords: 320, wordsPerMinute: 120 },
};
export const maxScriptChars = 5000;
const minSeconds = 20;
const maxSeconds = 180;

/** Arabic when more than 30 % of the letters are Arabic script; English otherwise. */
export function detectLanguage(text: string): Language {
  const letters = (text.match(/\p{L}/gu) ?? []).length;
  const arabic = (text.match(/\p{Script=Arabic}/gu) ?? []).length;
  return letters > 0 && arabic / letters > 0.3 ? "ar" : "en";
}

export function countWords(text: string): number {
  return text.trim().split(/\s+/).filter(Boolean).length;
}

export interface ScriptCheck {
  valid: boolean;
  language: Language;
  words: number;
  estimatedSeconds: number;
  /** Why it is invalid, phrased as an instruction the re-prompt can send back. */
  problem?: string;
}

export function checkScript(script: string, language: Language = detectLanguage(script)): ScriptCheck {
  const limits = scriptLimits[language];
  const words = countWords(script);
  const estimatedSeconds = Math.round((words / limits.wordsPerMinute) * 60);
  const base = { language, words, estimatedSeconds };
  const range = `${limits.minWords}–${limits.maxWords} words`;
  if (words < limits.minWords) {
    return { ...base, valid: false, problem: `The script has ${words} words; it needs ${range}.` };
  }
  if (words > limits.maxWords) {
    return { ...base, valid: false, problem: `The script has ${words} words; it must have ${range}.` };
  }
  if (script.length > maxScriptChars) {
    return {
      ...base,
      valid: false,
      problem: `The script has ${script.length} characters; it must stay under ${maxScriptChars}.`,
    };
  }
  if (estimatedSeconds < minSeconds || estimatedSeconds > maxSeconds) {
    return {
      ...base,
      valid: false,
      problem: `The script would last ${estimatedSeconds} s; it must last ${minSeconds}–${maxSeconds} s.`,
    };
  }
  return { ...base, valid: true };
}
