/**
 * A video plan → MP4, offline, in one encode. Every sentence is synthesised (two at a time) with
 * its word times and the timeline follows the speech. Each scene's picture is built once: a card,
 * a figure, or a page image that the camera slowly pans across the region being read, above an
 * opaque lower-third band whose text is drawn once per scene. Only the karaoke captions are drawn
 * per frame, repeated frames are dropped (`mpdecimate`, variable frame rate) and x264 encodes only
 * frames that change — that is what keeps moving pictures within 0.25 s of render per second.
 */
import { type AssBlock, bandTop, captionsScript, frame, sceneTextScript } from "./ass.ts";
import type { Box } from "./pdf_pages.ts";
import { type Chapter, chaptersVtt, type Cue, cuesForSentence, webVtt } from "./captions.ts";
import { speak, type SpokenSentence } from "./speech.ts";
import { runTool } from "./tools.ts";
import type { SpeechBinaries, Voice } from "./voices.ts";
import { silenceLike } from "./wav.ts";

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

export interface RenderedVideo {
  videoPath: string;
  posterPath: string;
  /** WebVTT with word timestamps. */
  captions: string;
  chapters: string;
  durationSeconds: number;
  /** Whether the word times came from the synthesiser (else estimated from word lengths). */
  exactWordTimes: boolean;
}

const fps = 25;
/** The lower-third band under pages and figures (opaque, so the text on it is drawn only once). */
const bandColour = "0x141a20";
const minSceneSeconds = 2;
const encodeTimeoutMs = 10 * 60 * 1000;

export async function renderVideo(options: RenderVideoOptions): Promise<RenderedVideo> {
  const { workDir, signal, scenes } = options;
  const spoken = await speakAll(options);
  const timeline = buildTimeline(scenes, spoken);
  const firstWav = await Deno.readFile(`${workDir}/a0-0.wav`).catch(() => new Uint8Array());
  const audioList: string[] = [];
  for (const [index, part] of timeline.audio.entries()) {
    if (part.kind === "speech") audioList.push(`file '${part.file}'`);
    else {
      const name = `silence${index}.wav`;
      await Deno.writeFile(`${workDir}/${name}`, silenceLike(firstWav, part.seconds));
      audioList.push(`file '${name}'`);
    }
  }
  await Deno.writeTextFile(`${workDir}/audio.txt`, audioList.join("\n") + "\n");
  await runTool(options.ffmpeg, [
    "-v",
    "error",
    "-y",
    "-f",
    "concat",
    "-safe",
    "0",
    "-i",
    "audio.txt",
    "-c",
    "copy",
    "narration.wav",
  ], { signal, cwd: workDir, timeoutMs: encodeTimeoutMs });

  const theme = { fontName: options.fontName, accent: options.accent, rightToLeft: options.rightToLeft };
  for (const [index, block] of timeline.blocks.entries()) {
    await Deno.writeTextFile(`${workDir}/scene${index}.ass`, sceneTextScript(theme, block));
  }
  await Deno.writeTextFile(`${workDir}/captions.ass`, captionsScript(theme, timeline.cues));
  await Deno.writeTextFile(
    `${workDir}/plain.vtt`,
    webVtt(timeline.cues.map(({ start, end, text }) => ({ start, end, text }))),
  );
  const { inputs, graph } = filterGraph(options, timeline.sceneSeconds);
  await Deno.writeTextFile(`${workDir}/graph.txt`, graph);
  const total = timeline.total.toFixed(3);
  await runTool(options.ffmpeg, [
    "-v",
    "error",
    "-y",
    ...inputs,
    "-i",
    "narration.wav",
    "-i",
    "plain.vtt",
    "-filter_complex_script",
    "graph.txt",
    "-map",
    "[video]",
    "-map",
    `${inputs.length / 2}:a`,
    "-map",
    `${inputs.length / 2 + 1}:s`,
    "-c:v",
    "libx264",
    "-preset",
    "superfast",
    "-tune",
    "stillimage",
    "-threads",
    "2",
    "-fps_mode",
    "vfr",
    "-c:a",
    "aac",
    "-b:a",
    "128k",
    "-c:s",
    "mov_text",
    "-t",
    total,
    "-movflags",
    "+faststart",
    "out.mp4",
  ], { signal, cwd: workDir, timeoutMs: encodeTimeoutMs });
  // The poster is the title card once its text has faded in.
  const posterAt = Math.min(1.5, timeline.total / 2).toFixed(2);
  await runTool(options.ffmpeg, [
    "-v",
    "error",
    "-y",
    "-ss",
    posterAt,
    "-i",
    "out.mp4",
    "-frames:v",
    "1",
    "-q:v",
    "3",
    "poster.jpg",
  ], { signal, cwd: workDir, timeoutMs: 60_000 });
  return {
    videoPath: `${workDir}/out.mp4`,
    posterPath: `${workDir}/poster.jpg`,
    captions: webVtt(timeline.cues),
    chapters: chaptersVtt(timeline.chapters),
    durationSeconds: timeline.total,
    exactWordTimes: spoken.every((scene) => scene.every((sentence) => sentence.exact)),
  };
}

async function speakAll(options: RenderVideoOptions): Promise<SpokenSentence[][]> {
  const jobs = options.scenes.flatMap((scene, sceneIndex) =>
    scene.sentences.map((text, sentenceIndex) => ({ text, sceneIndex, sentenceIndex }))
  );
  const results = options.scenes.map((scene) => new Array<SpokenSentence>(scene.sentences.length));
  let next = 0;
  let done = 0;
  // Two at a time: each sentence is a short process launch, so this halves wall time on 2 cores.
  const lanes = Array.from({ length: Math.min(2, jobs.length) }, async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      results[job.sceneIndex][job.sentenceIndex] = await speak({
        voice: options.voice,
        binaries: options.speech,
        text: job.text,
        wavPath: `${options.workDir}/a${job.sceneIndex}-${job.sentenceIndex}.wav`,
        wordsPerMinute: options.wordsPerMinute,
        signal: options.signal,
      });
      await options.onSpoken?.(++done, jobs.length);
    }
  });
  await Promise.all(lanes);
  return results;
}

interface Timeline {
  total: number;
  sceneSeconds: number[];
  audio: ({ kind: "speech"; file: string } | { kind: "silence"; seconds: number })[];
  cues: Cue[];
  blocks: AssBlock[];
  chapters: Chapter[];
}

function buildTimeline(scenes: Scene[], spoken: SpokenSentence[][]): Timeline {
  const timeline: Timeline = { total: 0, sceneSeconds: [], audio: [], cues: [], blocks: [], chapters: [] };
  let at = 0;
  scenes.forEach((scene, sceneIndex) => {
    const start = at;
    spoken[sceneIndex].forEach((sentence, sentenceIndex) => {
      timeline.audio.push({ kind: "speech", file: `a${sceneIndex}-${sentenceIndex}.wav` });
      const words = sentence.words.map((word) => ({ ...word, start: at + word.start, end: at + word.end }));
      timeline.cues.push(...cuesForSentence(words));
      at += sentence.seconds;
    });
    const hold = Math.max(scene.holdSeconds ?? 0, minSceneSeconds - (at - start));
    if (hold > 0) {
      timeline.audio.push({ kind: "silence", seconds: hold });
      at += hold;
    }
    timeline.sceneSeconds.push(at - start);
    const besideImage = scene.visual.kind === "card" && scene.visual.thumbnail !== undefined;
    timeline.blocks.push(scene.text.kind === "title" ? { ...scene.text, besideImage } : scene.text);
    if (scene.chapter) {
      const open = timeline.chapters.at(-1);
      if (open) open.end = start;
      timeline.chapters.push({ start, end: at, title: scene.chapter });
    } else if (timeline.chapters.length > 0) {
      timeline.chapters.at(-1)!.end = at;
    }
  });
  timeline.total = at;
  return timeline;
}

/**
 * ffmpeg inputs and the filter graph: per scene a still (text drawn once) looped for its duration —
 * pages pan above the band, which is stacked under them — then concatenation, the captions, and
 * dropping of repeated frames.
 */
function filterGraph(options: RenderVideoOptions, seconds: number[]): { inputs: string[]; graph: string } {
  const inputs: string[] = [];
  const chains: string[] = [];
  const background = `0x${options.background}`;
  const { width, height } = frame;
  const fonts = `fontsdir=${escapeFilterPath(options.fontFile.replace(/\/[^/]*$/, "") || ".")}`;
  const input = (path: string) => {
    inputs.push("-i", path);
    return `[${inputs.length / 2 - 1}:v]`;
  };
  const oneFrame = (colour: string, h = height) => `color=c=${colour}:s=${width}x${h}:r=${fps}:d=${1 / fps}`;
  options.scenes.forEach((scene, index) => {
    const duration = seconds[index];
    const frames = Math.max(1, Math.ceil(duration * fps));
    const hold = `format=yuv420p,loop=loop=${frames - 1}:size=1:start=0,setpts=N/${fps}/TB`;
    const text = `ass=filename=scene${index}.ass:${fonts}`;
    const out = `[s${index}]`;
    const visual = scene.visual;
    if (visual.kind === "page") {
      const pan = panPath(visual.image, visual.focus);
      chains.push(
        `${input(visual.image.path)}format=rgb24,` +
          `pad=w='max(iw,${width})':h='max(ih,${bandTop})':x='(ow-iw)/2':y='(oh-ih)/2':color=${background},` +
          highlight(visual.image, visual.focus, options.accent) +
          `${hold},crop=${width}:${bandTop}:x=${pan.x}:` +
          `y='${pan.y0}+${pan.y1 - pan.y0}*min(t/${duration.toFixed(3)},1)'[p${index}]`,
        `${oneFrame(bandColour)},${text},crop=${width}:${height - bandTop}:0:${bandTop},${hold}[b${index}]`,
        `[p${index}][b${index}]vstack,setsar=1${out}`,
      );
    } else if (visual.kind === "figure") {
      chains.push(
        `${input(visual.image.path)}format=rgb24,pad=w='iw+24':h='ih+24':x=12:y=12:color=white,` +
          `scale=w=${width - 120}:h=${bandTop - 40}:force_original_aspect_ratio=decrease,` +
          `pad=${width}:${height}:x='(ow-iw)/2':y='(${bandTop}-ih)/2':color=${background},` +
          `${text},${hold},setsar=1${out}`,
      );
    } else if (visual.thumbnail) {
      const x = options.rightToLeft ? 90 : `${width - 90}-w`;
      chains.push(
        `${input(visual.thumbnail.path)}scale=-2:520,pad=w='iw+8':h='ih+8':x=4:y=4:color=white[t${index}]`,
        `${oneFrame(background)}[c${index}]`,
        `[c${index}][t${index}]overlay=x=${x}:y=(H-h)/2,${text},${hold},setsar=1${out}`,
      );
    } else {
      chains.push(`${oneFrame(background)},${text},${hold},setsar=1${out}`);
    }
  });
  const all = options.scenes.map((_, index) => `[s${index}]`).join("");
  chains.push(
    `${all}concat=n=${options.scenes.length}:v=1:a=0,ass=filename=captions.ass:${fonts},mpdecimate,` +
      `format=yuv420p[video]`,
  );
  return { inputs, graph: chains.join(";\n") };
}

/**
 * Where the camera looks (a window the size of the area above the band): centred on the focus region
 * horizontally, travelling from just above it to just below it, or a short drift when the region
 * fits. Without a focus it drifts down from the top of the page.
 */
export function panPath(image: PlanImage, focus?: Box): { x: number; y0: number; y1: number } {
  const maxX = Math.max(0, image.width - frame.width);
  const maxY = Math.max(0, image.height - bandTop);
  const clamp = (value: number, max: number) => Math.round(Math.min(Math.max(value, 0), max));
  if (!focus) return { x: clamp(maxX / 2, maxX), y0: 0, y1: clamp(60, maxY) };
  const x = clamp((focus.x0 + focus.x1) / 2 - frame.width / 2, maxX);
  const y0 = clamp(focus.y0 - 40, maxY);
  const visible = bandTop - 60;
  const y1 = focus.y1 - focus.y0 > visible ? clamp(focus.y1 - visible + 20, maxY) : clamp(y0 + 40, maxY);
  return { x, y0, y1: Math.max(y0, y1) };
}

/** A translucent marker over the lines being read (drawn once on the page, before it is looped). */
function highlight(image: PlanImage, focus: Box | undefined, accent: string): string {
  if (!focus) return "";
  const padX = Math.max(0, Math.floor((frame.width - image.width) / 2));
  const padY = Math.max(0, Math.floor((bandTop - image.height) / 2));
  const x = Math.max(0, Math.round(focus.x0 - 10) + padX);
  const y = Math.max(0, Math.round(focus.y0 - 6) + padY);
  const w = Math.round(focus.x1 - focus.x0 + 20);
  const h = Math.round(focus.y1 - focus.y0 + 12);
  return `drawbox=x=${x}:y=${y}:w=${w}:h=${h}:color=0x${accent}@0.22:t=fill,`;
}

function escapeFilterPath(path: string): string {
  return path.replace(/([\\:',;\[\]])/g, "\\$1");
}
