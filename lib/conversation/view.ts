/**
 * The browser's copy of a session state, kept in step with the stream: the same rings and interim
 * rule as the server (`sessions.ts`), so the live page and a reload show the same thing.
 */
import type { DisplayUpdate } from "./updates.ts";

export interface DisplayView {
  seq: number;
  transcripts: DisplayUpdate[];
  updates: DisplayUpdate[];
}

export function applyToView(view: DisplayView, update: DisplayUpdate): DisplayView {
  if (update.seq <= view.seq) return view; // already shown (a replay after reconnect)
  if (update.type !== "transcription") {
    return { ...view, seq: update.seq, updates: [...view.updates, update].slice(-50) };
  }
  const last = view.transcripts.at(-1);
  const replaceInterim = last && last.data.isFinal === false && last.data.speaker === update.data.speaker;
  const kept = replaceInterim ? view.transcripts.slice(0, -1) : view.transcripts;
  return { ...view, seq: update.seq, transcripts: [...kept, update].slice(-100) };
}
