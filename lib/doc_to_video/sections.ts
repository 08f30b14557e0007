/**
 * A script is a list of sections: a short title (the lower-third), the narration, up to four key
 * points (shown under the title) and the page it comes from. The same rules check a written
 * script and an edited one: the sections' narration together must pass the language's script rules.
 */
import { z } from "zod";
import { checkScript, countWords, type Language, type ScriptCheck, scriptLimits } from "./script_rules.ts";

export const maxSections = 12;

export const ScriptSection = z.object({
  title: z.string().trim().min(1, "a section needs a title").max(100),
  text: z.string().trim().min(1, "a section needs narration").max(2000),
  keyPoints: z.array(z.string().trim().min(1).max(80)).max(4).default([]),
  /** The document page the section is about (1-based); located again when the text changes. */
  page: z.number().int().min(1).max(100_000).optional(),
});
export type ScriptSection = z.infer<typeof ScriptSection>;

export const ScriptSections = z.array(ScriptSection).min(1, "keep at least one section").max(maxSections);

/** The narration as one text (what the D-ID presenter reads and what script.txt holds). */
export function scriptText(sections: ScriptSection[]): string {
  return sections.map((section) => section.text.trim()).join(" ");
}

/** The script rules applied to all sections together. */
export function checkSections(sections: ScriptSection[], language: Language): ScriptCheck {
  return checkScript(scriptText(sections), language);
}

export interface SectionStats {
  words: number;
  estimatedSeconds: number;
}

export function sectionStats(section: ScriptSection, language: Language): SectionStats {
  const words = countWords(section.text);
  return { words, estimatedSeconds: Math.round((words / scriptLimits[language].wordsPerMinute) * 60) };
}

/** A short key point from a sentence: its leading clause, at most `maxWords` words, no trailing filler. */
export function keyPointOf(sentence: string, maxWords = 6): string {
  const clause = sentence.split(/[,;:–—]|\s-\s|،|؛/)[0].replace(/[.!?؟]+$/, "").trim();
  const words = clause.split(/\s+/).filter(Boolean).slice(0, maxWords);
  while (words.length > 2 && trailingFiller.has(words.at(-1)!.toLowerCase())) words.pop();
  const point = words.join(" ");
  return point.charAt(0).toLocaleUpperCase() + point.slice(1);
}

const trailingFiller = new Set(
  ("a an and are as at be by for from in is it of on or that the to was were with their its this these than " +
    "which who using can could has have had been more about into become will would should may might not " +
    "في من على إلى عن أن و").split(" "),
);
