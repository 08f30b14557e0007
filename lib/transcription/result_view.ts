/**
 * The `result` object clients read: Kiln's fields plus the seed's names (`duration`, `wordCount`,
 * `speakerCount`, `processingTime`, `confidence`, `audioQuality`). A value Kiln cannot know is
 * `null`, never a made-up constant: there is no diarisation, so `speakerCount` is always null.
 */
import { TranscriptionResult } from "./webhook_payload.ts";

/** `stored` may predate fields added since (a 48 h cache entry): the schema's defaults fill them. */
export function resultView(stored: unknown) {
  const result = TranscriptionResult.parse(stored);
  return {
    ...result,
    duration: result.durationSeconds,
    wordCount: countWords(result.transcription),
    speakerCount: null,
    processingTime: result.processingSeconds,
  };
}

export type ResultView = ReturnType<typeof resultView>;

export function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu)?.length ?? 0;
}
