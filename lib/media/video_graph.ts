/**
 * The picture side of a render as one ffmpeg filter graph: per scene a still (its text drawn once)
 * looped for the scene's duration — pages pan above the lower-third band, which is stacked under
 * them — then concatenation, the karaoke captions (the only text drawn per frame) and dropping of
 * repeated frames.
 */
import { bandTop, frame } from "./ass.ts";
import type { Box } from "./pdf_pages.ts";
import type { PlanImage, RenderVideoOptions } from "./video_plan.ts";

export const fps = 25;
/** The lower-third band under pages and figures (opaque, so the text on it is drawn only once). */
const bandColour = "0x141a20";

/** ffmpeg's `-i` arguments and the graph (scene i's still is `[s{i}]`, the result `[video]`). */
export function filterGraph(
  options: RenderVideoOptions,
  seconds: number[],
): { inputs: string[]; graph: string } {
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
