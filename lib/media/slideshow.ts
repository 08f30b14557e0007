/**
 * Script → MP4 with narration and captions, offline (recipe in MEDIA.md): one espeak-ng WAV and
 * one drawtext slide per sentence, WebVTT cues from the running sum of WAV durations, then a
 * single ffmpeg mux so audio and video never drift apart.
 */
import { runTool, wavDurationSeconds } from "./tools.ts";

export interface SlideshowOptions {
  sentences: string[];
  /** espeak-ng voice, e.g. "en-us" or "ar". */
  voice: string;
  rightToLeft: boolean;
  workDir: string;
  ffmpeg: string;
  espeak: string;
  fontFile: string;
  /** Slide background, ffmpeg colour syntax. */
  background: string;
  wordsPerMinute: number;
  signal?: AbortSignal;
  /** Called after each slide is ready (for job progress). */
  onSlide?: (done: number, total: number) => Promise<void>;
}

export interface SlideshowResult {
  videoPath: string;
  captions: string;
  durationSeconds: number;
}

const rightToLeftMark = "\u200f";

export async function renderSlideshow(options: SlideshowOptions): Promise<SlideshowResult> {
  const { workDir, signal } = options;
  const durations: number[] = new Array(options.sentences.length).fill(0);
  let done = 0;
  // Two sentences at a time: each step is a short process launch, so this halves wall time on 2 cores.
  await mapLimited(options.sentences, 2, async (sentence, index) => {
    await Deno.writeTextFile(`${workDir}/s${index}.txt`, sentence);
    await runTool(options.espeak, [
      "-v",
      options.voice,
      "-s",
      String(options.wordsPerMinute),
      "-w",
      `${workDir}/a${index}.wav`,
      "-f",
      `${workDir}/s${index}.txt`,
    ], { signal });
    durations[index] = wavDurationSeconds(await Deno.readFile(`${workDir}/a${index}.wav`));
    const lines = wrapLines(sentence, options.rightToLeft ? 34 : 38)
      .map((line) => options.rightToLeft ? line + rightToLeftMark : line);
    await Deno.writeTextFile(`${workDir}/w${index}.txt`, lines.join("\n"));
    await runTool(options.ffmpeg, [
      "-v",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      `color=c=${options.background}:s=1280x720`,
      "-frames:v",
      "1",
      "-vf",
      `drawtext=fontfile=${options.fontFile}:textfile=w${index}.txt:fontcolor=white:fontsize=48:` +
      "line_spacing=16:x=(w-text_w)/2:y=(h-text_h)/2",
      `s${index}.png`,
    ], { signal, cwd: workDir });
    await options.onSlide?.(++done, options.sentences.length);
  });
  const total = durations.reduce((sum, seconds) => sum + seconds, 0);
  const captions = webVtt(options.sentences, durations);
  await Deno.writeTextFile(`${workDir}/out.vtt`, captions);
  await Deno.writeTextFile(
    `${workDir}/alist.txt`,
    durations.map((_, index) => `file 'a${index}.wav'`).join("\n") + "\n",
  );
  const slideList = durations.map((seconds, index) => `file 's${index}.png'\nduration ${seconds.toFixed(3)}`);
  slideList.push(`file 's${durations.length - 1}.png'`);
  await Deno.writeTextFile(`${workDir}/slides.txt`, slideList.join("\n") + "\n");
  await runTool(options.ffmpeg, [
    "-v",
    "error",
    "-y",
    "-f",
    "concat",
    "-safe",
    "0",
    "-i",
    "alist.txt",
    "-c",
    "copy",
    "narration.wav",
  ], { signal, cwd: workDir });
  await runTool(options.ffmpeg, [
    "-v",
    "error",
    "-y",
    "-f",
    "concat",
    "-safe",
    "0",
    "-i",
    "slides.txt",
    "-i",
    "narration.wav",
    "-i",
    "out.vtt",
    "-map",
    "0:v",
    "-map",
    "1:a",
    "-map",
    "2:s",
    "-vf",
    "fps=25,format=yuv420p",
    "-c:v",
    "libx264",
    "-preset",
    "veryfast",
    "-tune",
    "stillimage",
    "-c:a",
    "aac",
    "-b:a",
    "128k",
    "-c:s",
    "mov_text",
    "-t",
    total.toFixed(3),
    "-movflags",
    "+faststart",
    "out.mp4",
  ], { signal, cwd: workDir });
  return { videoPath: `${workDir}/out.mp4`, captions, durationSeconds: total };
}

/** drawtext does not wrap: break on spaces at roughly `width` characters per line. */
export function wrapLines(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (current && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  if (current) lines.push(current);
  return lines;
}

export function webVtt(sentences: string[], durations: number[]): string {
  let start = 0;
  const cues = sentences.map((sentence, index) => {
    const end = start + durations[index];
    const cue = `${index + 1}\n${timestamp(start)} --> ${timestamp(end)}\n${sentence}\n`;
    start = end;
    return cue;
  });
  return `WEBVTT\n\n${cues.join("\n")}`;
}

function timestamp(seconds: number): string {
  const milliseconds = Math.round(seconds * 1000);
  const hours = Math.floor(milliseconds / 3_600_000);
  const minutes = Math.floor(milliseconds / 60_000) % 60;
  const secs = Math.floor(milliseconds / 1000) % 60;
  const rest = milliseconds % 1000;
  const pad = (value: number, size = 2) => String(value).padStart(size, "0");
  return `${pad(hours)}:${pad(minutes)}:${pad(secs)}.${pad(rest, 3)}`;
}

async function mapLimited<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  });
  await Promise.all(lanes);
}
