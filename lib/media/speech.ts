/**
 * One sentence → one WAV, with the time each word is spoken. flite reports the end time of every
 * phone (`-psdur`); a second, silent flite run with a comma after each word tells how many phones
 * each word has, which places the word boundaries exactly. espeak-ng and festival do not report
 * timing, so their words share the sentence in proportion to their length.
 */
import { runTool } from "./tools.ts";
import { readWavFileHeader, wavSeconds } from "./wav.ts";
import type { SpeechBinaries, Voice } from "./voices.ts";

export interface WordTiming {
  word: string;
  /** Seconds from the start of the sentence's audio. */
  start: number;
  end: number;
}

export interface SpokenSentence {
  seconds: number;
  words: WordTiming[];
  /** True when the word times come from the synthesiser, false when estimated from word lengths. */
  exact: boolean;
}

export interface SpeakOptions {
  voice: Voice;
  binaries: SpeechBinaries;
  text: string;
  wavPath: string;
  /** espeak-ng only: speaking rate. */
  wordsPerMinute?: number;
  signal?: AbortSignal;
}

const synthTimeoutMs = 60_000;

export async function speak(options: SpeakOptions): Promise<SpokenSentence> {
  const { voice, binaries, text, wavPath, signal } = options;
  const textPath = `${wavPath}.txt`;
  await Deno.writeTextFile(textPath, text);
  const run = { signal, timeoutMs: synthTimeoutMs };
  let segments: string | undefined;
  if (voice.engine === "flite") {
    segments = new TextDecoder().decode(
      await runTool(binaries.flite, ["-voice", voice.name, "-psdur", "-f", textPath, "-o", wavPath], run),
    );
  } else if (voice.engine === "espeak-ng") {
    const rate = String(options.wordsPerMinute ?? 155);
    await runTool(binaries.espeak, ["-v", voice.name, "-s", rate, "-w", wavPath, "-f", textPath], run);
  } else {
    await runTool(binaries.text2wave, ["-eval", `(voice_${voice.name})`, textPath, "-o", wavPath], run);
  }
  const seconds = wavSeconds(await readWavFileHeader(wavPath));
  const words = text.split(/\s+/).filter(Boolean);
  if (segments !== undefined) {
    const exact = await fliteWordTimes(
      binaries.flite,
      voice.name,
      words,
      segments,
      `${wavPath}.probe.txt`,
      run,
    );
    if (exact) return { seconds, words: exact, exact: true };
  }
  return { seconds, words: proportionalWordTimes(words, seconds), exact: false };
}

/** Words share `seconds` (less a short lead-in and tail) in proportion to their length. */
export function proportionalWordTimes(words: string[], seconds: number): WordTiming[] {
  const lead = Math.min(0.1, seconds * 0.05);
  const span = Math.max(0, seconds - 2 * lead);
  const weights = words.map((word) => word.replace(/[^\p{L}\p{N}]/gu, "").length + 2);
  const total = weights.reduce((sum, weight) => sum + weight, 0) || 1;
  let at = lead;
  return words.map((word, index) => {
    const start = at;
    at += (weights[index] / total) * span;
    return { word, start: round(start), end: round(at) };
  });
}

/**
 * Exact word times from flite's phone end times, or null when the phone counts do not line up
 * (then the caller estimates). Words with no letters or digits (dashes) take no time of their own.
 */
async function fliteWordTimes(
  flite: string,
  voiceName: string,
  words: string[],
  segments: string,
  probePath: string,
  run: { signal?: AbortSignal; timeoutMs: number },
): Promise<WordTiming[] | null> {
  const phones = segments.trim().split(/\s+/).map((item) => {
    const [phone, end] = item.split(":");
    return { phone, end: Number(end) };
  }).filter((item) => item.phone && Number.isFinite(item.end));
  const spoken = words.map((word, index) => ({ word, index })).filter(({ word }) =>
    /[\p{L}\p{N}]/u.test(word)
  );
  if (spoken.length === 0 || phones.length === 0) return null;
  await Deno.writeTextFile(probePath, spoken.map(({ word }) => word.replace(/[,;:.!?]+$/, "")).join(", "));
  const listed = new TextDecoder().decode(
    await runTool(flite, ["-voice", voiceName, "-ps", "-f", probePath, "-o", "none"], run),
  );
  const counts = listed.trim().split(/\s*\bpau\b\s*/).filter(Boolean).map((group) =>
    group.split(/\s+/).length
  );
  const sounding = phones.filter((item) => item.phone !== "pau");
  if (counts.length !== spoken.length || counts.reduce((sum, count) => sum + count, 0) !== sounding.length) {
    return null;
  }
  const times = new Map<number, WordTiming>();
  let cursor = 0;
  let previousEnd = 0;
  const ends = phones.map((item) => item.end);
  for (const [slot, { word, index }] of spoken.entries()) {
    // The word starts where the phone before its first phone ends (skipping pauses before it).
    const first = phones.indexOf(sounding[cursor]);
    const start = first > 0 ? ends[first - 1] : 0;
    cursor += counts[slot];
    const end = sounding[cursor - 1].end;
    times.set(index, { word, start: round(Math.max(start, previousEnd)), end: round(end) });
    previousEnd = end;
  }
  // Punctuation-only tokens sit at the end of the word before them.
  let last = { start: 0, end: 0 };
  return words.map((word, index) => {
    const timing = times.get(index) ?? { word, start: last.end, end: last.end };
    last = timing;
    return timing;
  });
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
