/**
 * Keeping a transcript's segments consistent with its text and small enough to store: the text
 * cap (`KEEP_TEXT_MAX`) cuts the segments at the same character, and per-word timings — the bulk
 * of the data — are dropped when the whole would not fit a KV value (64 KiB) with room to spare.
 */
import type { TimedSegment } from "../providers/asr/types.ts";

/** Serialized size allowed for the segments of one result (the text and other fields need the rest). */
export const segmentsBudgetBytes = 36 * 1024;

/** The segments covering the first `maxCharacters` of their joined text (joined with spaces). */
export function truncateSegments(segments: TimedSegment[], maxCharacters: number): TimedSegment[] {
  const kept: TimedSegment[] = [];
  let used = 0;
  for (const segment of segments) {
    const separator = kept.length > 0 ? 1 : 0;
    const room = maxCharacters - used - separator;
    if (room <= 0) break;
    const characters = [...segment.text];
    if (characters.length <= room) {
      kept.push(segment);
      used += separator + characters.length;
      continue;
    }
    const text = characters.slice(0, room).join("");
    let length = -1;
    const words = segment.words?.filter((word) => (length += 1 + [...word.word].length) <= room);
    kept.push({
      start: segment.start,
      end: words?.length ? words[words.length - 1].end : segment.end,
      text,
      ...(words ? { words } : {}),
    });
    break;
  }
  return kept;
}

/** The segments as given, or without per-word timings when they would not fit the budget. */
export function fitSegments(segments: TimedSegment[], budgetBytes = segmentsBudgetBytes): TimedSegment[] {
  if (JSON.stringify(segments).length <= budgetBytes) return segments;
  const withoutWords = segments.map(({ start, end, text }) => ({ start, end, text }));
  if (JSON.stringify(withoutWords).length <= budgetBytes) return withoutWords;
  // Still too big (a very long KEEP_TEXT_MAX): keep the earliest segments that fit.
  const kept: TimedSegment[] = [];
  let size = 2;
  for (const segment of withoutWords) {
    size += JSON.stringify(segment).length + 1;
    if (size > budgetBytes) break;
    kept.push(segment);
  }
  return kept;
}

/** Segments for a recogniser that gave no timings: the whole text over the whole audio. */
export function wholeAudioSegment(text: string, durationSeconds: number): TimedSegment[] {
  return text ? [{ start: 0, end: durationSeconds, text }] : [];
}
