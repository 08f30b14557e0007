/**
 * A transcript as the files people download: plain text, SubRip (.srt) and WebVTT (.vtt), cued by
 * the recogniser's segment times (`result.segments`, seconds). A result without timings (stored
 * before the recogniser reported them) becomes one cue over the whole recording.
 */
import type { TimedSegment } from "../providers/asr/types.ts";

export type { TimedSegment };

export interface TimedTranscript {
  transcription: string;
  durationSeconds: number;
  segments?: TimedSegment[];
}

export type TranscriptFormat = "txt" | "srt" | "vtt";

export const transcriptTypes: Record<TranscriptFormat, string> = {
  txt: "text/plain; charset=utf-8",
  srt: "application/x-subrip; charset=utf-8",
  vtt: "text/vtt; charset=utf-8",
};

/** The cues to show: the recogniser's segments, or the whole text as one. */
export function segmentsOf(result: TimedTranscript): TimedSegment[] {
  const timed = (result.segments ?? []).filter((segment) => segment.text.trim() !== "");
  if (timed.length > 0) return timed;
  const text = result.transcription.trim();
  return text ? [{ start: 0, end: Math.max(result.durationSeconds, 0.001), text }] : [];
}

/** 83.5 → "00:01:23,500" (SubRip) or "00:01:23.500" (WebVTT). */
function cueTime(seconds: number, separator: "," | "."): string {
  const milliseconds = Math.max(0, Math.round(seconds * 1000));
  const pad = (value: number, size = 2) => String(value).padStart(size, "0");
  return `${pad(Math.floor(milliseconds / 3_600_000))}:${pad(Math.floor(milliseconds / 60_000) % 60)}:` +
    `${pad(Math.floor(milliseconds / 1000) % 60)}${separator}${pad(milliseconds % 1000, 3)}`;
}

/** 83.5 → "1:23" (a timestamp a person reads). */
export function clock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(whole / 3600);
  const rest = `${Math.floor(whole / 60) % 60}:${String(whole % 60).padStart(2, "0")}`;
  return hours > 0 ? `${hours}:${rest.padStart(5, "0")}` : rest;
}

/** Cue text on one line: a cue line that is empty or holds "-->" would end or break the cue. */
const cueText = (text: string) => text.replace(/\s+/g, " ").replaceAll("-->", "→").trim();

export function formatTranscript(result: TimedTranscript, format: TranscriptFormat): string {
  const segments = segmentsOf(result);
  if (format === "txt") return `${result.transcription.trim()}\n`;
  if (format === "srt") {
    return segments.map((segment, index) =>
      `${index + 1}\n${cueTime(segment.start, ",")} --> ${cueTime(segment.end, ",")}\n${
        cueText(segment.text)
      }\n`
    ).join("\n");
  }
  return `WEBVTT\n\n${
    segments.map((segment) =>
      `${cueTime(segment.start, ".")} --> ${cueTime(segment.end, ".")}\n${cueText(segment.text)}\n`
    ).join("\n")
  }`;
}
