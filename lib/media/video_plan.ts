/**
 * What a video is made of, as `renderVideo` takes it: scenes (a picture, the text drawn on it, the
 * narration) and the render's look, voice and tools. Types only, shared by the renderer and its
 * filter graph.
 */
import type { Box } from "./pdf_pages.ts";
import type { SpeechBinaries, Voice } from "./voices.ts";

export interface PlanImage {
  path: string;
  width: number;
  height: number;
}

export type SceneVisual =
  | { kind: "card"; thumbnail?: PlanImage }
  /** `focus`: the region being read, in image pixels; the camera pans across it. */
  | { kind: "page"; image: PlanImage; focus?: Box }
  | { kind: "figure"; image: PlanImage };

export type SceneText =
  | { kind: "title"; title: string; subtitle?: string; meta?: string }
  | { kind: "lowerThird"; title: string; points: string[] }
  | { kind: "end"; title: string; lines: string[] };

export interface Scene {
  visual: SceneVisual;
  text: SceneText;
  /** Narration, one entry per sentence. */
  sentences: string[];
  /** Silence after the narration. */
  holdSeconds?: number;
  /** This scene starts a chapter with this title. */
  chapter?: string;
}

export interface RenderVideoOptions {
  scenes: Scene[];
  rightToLeft: boolean;
  /** RRGGBB */
  background: string;
  accent: string;
  /** A TrueType file; its directory is given to libass, `fontName` picks the family. */
  fontFile: string;
  fontName: string;
  voice: Voice;
  speech: SpeechBinaries;
  ffmpeg: string;
  workDir: string;
  wordsPerMinute?: number;
  signal?: AbortSignal;
  /** Called after each sentence is spoken (for job progress). */
  onSpoken?: (done: number, total: number) => Promise<void>;
}
