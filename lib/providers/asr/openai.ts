/**
 * Any OpenAI-compatible speech-to-text API: `POST {base}/v1/audio/transcriptions`, multipart with
 * `file` and `model` (plus `response_format=verbose_json` and both timestamp granularities, so a
 * language, segments and words come back when the server supports them); the answer is
 * `{"text": "...", "language"?: "english", "segments"?: [...], "words"?: [...]}`.
 */
import { KilnError } from "../../errors.ts";
import { postToAsr } from "./remote.ts";
import type { AsrProvider, TimedSegment, TimedWord } from "./types.ts";

export interface OpenAiAsrOptions {
  apiKey?: string;
  model: string;
  baseUrl: string;
}

const languageCodes: Record<string, string> = {
  english: "en",
  arabic: "ar",
  french: "fr",
  spanish: "es",
  german: "de",
};

export function createOpenAiAsr(options: OpenAiAsrOptions): AsrProvider {
  const endpoint = `${options.baseUrl.replace(/\/$/, "")}/v1/audio/transcriptions`;
  return {
    name: "openai",
    async transcribe({ path, signal }) {
      if (!options.apiKey) throw noKey();
      const form = new FormData();
      form.append("file", new Blob([await Deno.readFile(path)], { type: "audio/wav" }), "audio.wav");
      form.append("model", options.model);
      form.append("response_format", "verbose_json");
      form.append("timestamp_granularities[]", "segment");
      form.append("timestamp_granularities[]", "word");
      const response = await postToAsr(
        endpoint,
        {
          headers: { authorization: `Bearer ${options.apiKey}` },
          body: form,
        },
        signal,
        "The transcription API",
      );
      const text = await response.text();
      let body: { text?: unknown; language?: unknown; segments?: unknown; words?: unknown } | undefined;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (!response.ok || typeof body?.text !== "string") {
        throw new KilnError(
          "upstream",
          "asr_failed",
          `The transcription API answered ${response.status}: ${text.slice(0, 300)}`,
          {
            details: { upstreamStatus: response.status },
          },
        );
      }
      const language = typeof body.language === "string"
        ? languageCodes[body.language.toLowerCase()] ?? body.language
        : undefined;
      const segments = verboseSegments(body.segments, body.words);
      return { text: body.text.trim(), language, segments, confidence: logprobConfidence(body.segments) };
    },
    availability() {
      return Promise.resolve(
        options.apiKey ? { available: true } : { available: false, detail: noKey().message },
      );
    },
  };
}

interface VerboseSegment {
  start?: unknown;
  end?: unknown;
  text?: unknown;
  avg_logprob?: unknown;
}

const finite = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/** verbose_json `segments` (and top-level `words`, placed in the segment whose span holds them). */
function verboseSegments(segments: unknown, words: unknown): TimedSegment[] {
  if (!Array.isArray(segments)) return [];
  const timedWords: TimedWord[] = Array.isArray(words)
    ? words.filter((word) => finite(word?.start) && finite(word?.end) && typeof word?.word === "string")
      .map((word) => ({ start: word.start, end: word.end, word: word.word.trim() }))
    : [];
  return segments.flatMap((segment: VerboseSegment) => {
    if (!finite(segment?.start) || !finite(segment?.end) || typeof segment?.text !== "string") return [];
    const { start, end } = segment;
    const inside = timedWords.filter((word) => word.start >= start && word.start < end);
    return [{ start, end, text: segment.text.trim(), ...(inside.length > 0 ? { words: inside } : {}) }];
  });
}

/** exp(mean avg_logprob): the model's average per-token probability, 0–1. */
function logprobConfidence(segments: unknown): number | undefined {
  if (!Array.isArray(segments)) return undefined;
  const scores = segments.map((segment: VerboseSegment) => segment?.avg_logprob).filter(finite);
  if (scores.length === 0) return undefined;
  const mean = scores.reduce((sum, score) => sum + score, 0) / scores.length;
  return Math.round(Math.min(1, Math.exp(mean)) * 1000) / 1000;
}

function noKey(): KilnError {
  return new KilnError("unavailable", "asr_not_configured", "ASR_PROVIDER=openai needs OPENAI_API_KEY.");
}
