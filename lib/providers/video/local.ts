/**
 * The offline default video provider: slides with the script's sentences, espeak-ng narration and
 * WebVTT captions, encoded once by ffmpeg (lib/media/slideshow.ts). Arabic uses espeak-ng's `ar`
 * voice, a font that joins Arabic letters and right-to-left marks on each line.
 */
import { renderSlideshow, type SlideshowResult } from "../../media/slideshow.ts";
import type { VideoApiType } from "./types.ts";

export interface LocalRendererOptions {
  ffmpeg: string;
  espeak: string;
  fontFile: string;
}

export interface LocalRenderRequest {
  script: string;
  language: "en" | "ar";
  apiType: VideoApiType;
  sentiment: string;
  workDir: string;
  signal?: AbortSignal;
  onSlide?: (done: number, total: number) => Promise<void>;
}

export interface LocalVideoRenderer {
  readonly name: string;
  render(request: LocalRenderRequest): Promise<SlideshowResult>;
}

const backgrounds: Record<string, string> = {
  neutral: "0x1e3a5f",
  happy: "0x2f6b3a",
  serious: "0x2b2b38",
  surprise: "0x6b3a2f",
};

export function createLocalRenderer(options: LocalRendererOptions): LocalVideoRenderer {
  return {
    name: "local",
    render(request) {
      const arabic = request.language === "ar";
      return renderSlideshow({
        sentences: splitSentences(request.script),
        voice: arabic ? "ar" : "en-us",
        rightToLeft: arabic,
        workDir: request.workDir,
        ffmpeg: options.ffmpeg,
        espeak: options.espeak,
        fontFile: options.fontFile,
        background: backgrounds[request.sentiment] ?? backgrounds.neutral,
        // "expressives" speak a little more slowly, like the presenter videos they stand in for.
        wordsPerMinute: request.apiType === "expressives" ? 140 : arabic ? 130 : 155,
        signal: request.signal,
        onSlide: request.onSlide,
      });
    },
  };
}

/** Sentences (Latin and Arabic punctuation); long ones are split so a slide stays readable. */
export function splitSentences(script: string): string[] {
  const sentences = script.replace(/\s+/g, " ").trim().split(/(?<=[.!?؟。])\s+/).filter(Boolean);
  return sentences.flatMap((sentence) => {
    const words = sentence.split(" ");
    if (words.length <= 28) return [sentence];
    const parts: string[] = [];
    for (let index = 0; index < words.length; index += 24) {
      parts.push(words.slice(index, index + 24).join(" "));
    }
    return parts;
  });
}
