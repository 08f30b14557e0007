/**
 * The offline default video provider: the storyboard's scenes (page visuals, cards, lower-thirds)
 * narrated by a local voice with karaoke captions, encoded once by ffmpeg
 * (lib/media/render_video.ts). The sentiment picks the colours; Arabic is laid out right to left.
 */
import { type RenderedVideo, renderVideo, type Scene } from "../../media/render_video.ts";
import type { SpeechBinaries, Voice } from "../../media/voices.ts";
import type { VideoApiType } from "./types.ts";

export interface LocalRendererOptions {
  ffmpeg: string;
  speech: SpeechBinaries;
  fontFile: string;
  /** The font's family name (what libass looks up). */
  fontName: string;
}

export interface LocalRenderRequest {
  scenes: Scene[];
  language: "en" | "ar";
  apiType: VideoApiType;
  sentiment: string;
  voice: Voice;
  workDir: string;
  signal?: AbortSignal;
  onSpoken?: (done: number, total: number) => Promise<void>;
}

export interface LocalVideoRenderer {
  readonly name: string;
  render(request: LocalRenderRequest): Promise<RenderedVideo>;
}

/** Background and accent (RRGGBB) by sentiment. */
const palettes: Record<string, { background: string; accent: string }> = {
  neutral: { background: "1e3a5f", accent: "ffc857" },
  happy: { background: "2f6b3a", accent: "ffd166" },
  serious: { background: "2b2b38", accent: "8ecae6" },
};

export function createLocalRenderer(options: LocalRendererOptions): LocalVideoRenderer {
  return {
    name: "local",
    render(request) {
      const arabic = request.language === "ar";
      return renderVideo({
        scenes: request.scenes,
        rightToLeft: arabic,
        ...(palettes[request.sentiment] ?? palettes.neutral),
        fontFile: options.fontFile,
        fontName: options.fontName,
        voice: request.voice,
        speech: options.speech,
        ffmpeg: options.ffmpeg,
        workDir: request.workDir,
        // espeak-ng only: "expressives" speak a little more slowly, like the presenter videos they stand in for.
        wordsPerMinute: request.apiType === "expressives" ? 140 : arabic ? 130 : 155,
        signal: request.signal,
        onSpoken: request.onSpoken,
      });
    },
  };
}
