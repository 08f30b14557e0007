/**
 * What the studio page reads: the status document of `GET /api/transcription/:id` (the service's
 * status shape) and the studio's own memory of submitted transcriptions.
 */
import type { TimedSegment } from "../../lib/transcription/client.ts";
import { createJobMemory } from "../job_memory.ts";

export interface StudioStatus {
  id: string;
  status: "queued" | "processing" | "completed" | "failed";
  progress: number;
  currentStep: string;
  cached: boolean;
  createdAt: string;
  result?: {
    transcription: string;
    summary: string;
    truncated: boolean;
    language: string;
    durationSeconds: number;
    segments?: TimedSegment[];
  };
  error?: { code: string; message: string };
}

export interface StudioJob {
  id: string;
  createdAt: number;
  status: string;
  /** The file name or the link, as the list shows it. */
  label: string;
  /** A link transcribed (the player can try to play it); absent for uploads. */
  url?: string;
}

export const finishedStates = new Set(["completed", "failed"]);

/** The service keeps a transcription 48 hours; so does the page's list. */
export const studioMemory = createJobMemory<StudioJob>({
  storageKey: "kiln.transcription.jobs",
  keepMs: 48 * 60 * 60 * 1000,
  resumeWindowMs: 48 * 60 * 60 * 1000,
  maxEntries: 12,
  terminal: finishedStates,
});
