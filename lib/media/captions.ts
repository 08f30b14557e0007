/**
 * Caption files. Cues are short (at most ~55 characters, one caption line) and carry each word's
 * start time as a WebVTT timestamp tag, so browsers can style spoken and upcoming words apart
 * (`::cue(:past)` / `::cue(:future)`); chapters are a second WebVTT file with one cue per section.
 */
import type { WordTiming } from "./speech.ts";

export interface Cue {
  start: number;
  end: number;
  text: string;
  /** Absolute word times within the video, when known. */
  words?: WordTiming[];
}

export interface Chapter {
  start: number;
  end: number;
  title: string;
}

const maxCueChars = 55;

/** Splits a spoken sentence into caption-sized cues at word boundaries (times already absolute). */
export function cuesForSentence(words: WordTiming[]): Cue[] {
  const cues: Cue[] = [];
  let current: WordTiming[] = [];
  const flush = () => {
    if (current.length === 0) return;
    cues.push({
      start: current[0].start,
      end: current.at(-1)!.end,
      text: current.map((word) => word.word).join(" "),
      words: current,
    });
    current = [];
  };
  for (const word of words) {
    const length = current.reduce((sum, item) => sum + item.word.length + 1, 0) + word.word.length;
    if (current.length > 0 && length > maxCueChars) flush();
    current.push(word);
  }
  flush();
  return cues;
}

/** A WebVTT captions file; words with times become `<hh:mm:ss.ttt>` tags before each word after the first. */
export function webVtt(cues: Cue[]): string {
  const blocks = cues.map((cue, index) => {
    const text = cue.words && cue.words.length > 1
      ? cue.words.map((word, position) =>
        position === 0 ? escapeCue(word.word) : `<${timestamp(word.start)}>${escapeCue(word.word)}`
      ).join(" ")
      : escapeCue(cue.text);
    return `${index + 1}\n${timestamp(cue.start)} --> ${timestamp(cue.end)}\n${text}\n`;
  });
  return `WEBVTT\n\n${blocks.join("\n")}`;
}

export function chaptersVtt(chapters: Chapter[]): string {
  const blocks = chapters.map((chapter, index) =>
    `chapter-${index + 1}\n${timestamp(chapter.start)} --> ${timestamp(chapter.end)}\n${
      escapeCue(chapter.title)
    }\n`
  );
  return `WEBVTT\n\n${blocks.join("\n")}`;
}

/** Cues for a video whose word times are unknown: sentences share `seconds` by word count. */
export function estimatedCues(sentences: string[], seconds: number): Cue[] {
  const counts = sentences.map((sentence) => sentence.split(/\s+/).filter(Boolean).length);
  const total = counts.reduce((sum, count) => sum + count, 0) || 1;
  let start = 0;
  return sentences.map((text, index) => {
    const end = start + (counts[index] / total) * seconds;
    const cue = { start, end, text };
    start = end;
    return cue;
  });
}

export function timestamp(seconds: number): string {
  const milliseconds = Math.round(seconds * 1000);
  const hours = Math.floor(milliseconds / 3_600_000);
  const minutes = Math.floor(milliseconds / 60_000) % 60;
  const secs = Math.floor(milliseconds / 1000) % 60;
  const rest = milliseconds % 1000;
  const pad = (value: number, size = 2) => String(value).padStart(size, "0");
  return `${pad(hours)}:${pad(minutes)}:${pad(secs)}.${pad(rest, 3)}`;
}

/** Cue text is HTML-like: `&`, `<` and `>` must be escaped; `-->` must never appear. */
function escapeCue(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
