/**
 * A video plan → MP4, offline, in one encode. Every sentence is synthesised (two at a time) with
 * its word times and the timeline follows the speech. Each scene's picture is built once: a card,
 * a figure, or a page image that the camera slowly pans across the region being read, above an
 * opaque lower-third band whose text is drawn once per scene. Only the karaoke captions are drawn
 * per frame, repeated frames are dropped (`mpdecimate`, variable frame rate) and x264 encodes only
 * frames that change — that is what keeps moving pictures within 0.25 s of render per second.
 */
import { type AssBlock, captionsScript, sceneTextScript } from "./ass.ts";
import { type Chapter, chaptersVtt, type Cue, cuesForSentence, webVtt } from "./captions.ts";
import { speak, type SpokenSentence } from "./speech.ts";
import { runTool } from "./tools.ts";
import { filterGraph } from "./video_graph.ts";
import type { RenderVideoOptions, Scene } from "./video_plan.ts";
import { silenceLike } from "./wav.ts";

export type { PlanImage, RenderVideoOptions, Scene, SceneText, SceneVisual } from "./video_plan.ts";

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
  let failed = false;
  // Two at a time: each sentence is a short process launch, so this halves wall time on 2 cores.
  // After a failure no lane starts another sentence, and all lanes are awaited, so nothing (a
  // progress write) outlives the render.
  const lanes = Array.from({ length: Math.min(2, jobs.length) }, async () => {
    while (next < jobs.length && !failed) {
      const job = jobs[next++];
      try {
        results[job.sceneIndex][job.sentenceIndex] = await speak({
          voice: options.voice,
          binaries: options.speech,
          text: job.text,
          wavPath: `${options.workDir}/a${job.sceneIndex}-${job.sentenceIndex}.wav`,
          wordsPerMinute: options.wordsPerMinute,
          signal: options.signal,
        });
        if (!failed) await options.onSpoken?.(++done, jobs.length);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  });
  const settled = await Promise.allSettled(lanes);
  const failure = settled.find((lane): lane is PromiseRejectedResult => lane.status === "rejected");
  if (failure) throw failure.reason;
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
