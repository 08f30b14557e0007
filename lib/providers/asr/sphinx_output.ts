/**
 * Reads `pocketsphinx_continuous -time yes` output: per utterance, a line with the hypothesis and
 * then one line per decoded token, `word start end posterior` (seconds from the start of the file,
 * posterior 0–1). Silence and noise tokens (`<s>`, `<sil>`, `[NOISE]`, `++UH++`) carry no words;
 * `word(2)` names an alternate pronunciation of `word`.
 */
import type { TimedSegment, TimedWord } from "./types.ts";

const timedLine = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/;

export function parseTimedOutput(stdout: string): TimedSegment[] {
  const segments: TimedSegment[] = [];
  let words: TimedWord[] = [];
  const close = () => {
    if (words.length > 0) {
      segments.push({
        start: words[0].start,
        end: words[words.length - 1].end,
        text: words.map((word) => word.word).join(" "),
        words,
      });
    }
    words = [];
  };
  for (const raw of stdout.split("\n")) {
    const line = raw.trim();
    const timed = timedLine.exec(line);
    if (!timed) {
      // A hypothesis line starts the next utterance.
      if (line) close();
      continue;
    }
    const [, token, start, end, posterior] = timed;
    if (token === "</s>") {
      close();
      continue;
    }
    if (isFiller(token)) continue;
    words.push({
      start: Number(start),
      end: Number(end),
      word: token.replace(/\(\d+\)$/, ""),
      confidence: Math.min(1, Math.max(0, Number(posterior))),
    });
  }
  close();
  return segments;
}

function isFiller(token: string): boolean {
  return /^<.*>$/.test(token) || /^\[.*\]$/.test(token) || /^\+\+.*\+\+$/.test(token);
}

/** Mean word confidence weighted by word length in time; undefined when no word has a score. */
export function meanConfidence(segments: TimedSegment[]): number | undefined {
  let weighted = 0;
  let total = 0;
  for (const word of segments.flatMap((segment) => segment.words ?? [])) {
    if (word.confidence === undefined) continue;
    const weight = Math.max(0.01, word.end - word.start);
    weighted += word.confidence * weight;
    total += weight;
  }
  return total > 0 ? Math.round((weighted / total) * 1000) / 1000 : undefined;
}
