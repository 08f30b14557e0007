/**
 * The video's text as Advanced SubStation (ASS) scripts, burned in by ffmpeg's libass: title and
 * end cards, the lower-third (section title and key points on a translucent band) and karaoke
 * captions whose words light up as they are spoken (`\k`). libass wraps lines, shapes Arabic and
 * lays right-to-left text out right to left, which drawtext cannot. A scene's static text is its
 * own script, drawn once on the scene's still picture; only the captions are drawn per frame.
 */
import type { Cue } from "./captions.ts";

export const frame = { width: 1280, height: 720 };
/** Top of the lower-third band; visuals keep what matters above it. */
export const bandTop = 470;

export interface AssTheme {
  fontName: string;
  /** RRGGBB */
  accent: string;
  rightToLeft: boolean;
}

export type AssBlock =
  | { kind: "title"; title: string; subtitle?: string; meta?: string; besideImage: boolean }
  | { kind: "lowerThird"; title: string; points: string[] }
  | { kind: "end"; title: string; lines: string[] };

/** A scene's cards or lower-third, visible from the first frame on (drawn once on its still). */
export function sceneTextScript(theme: AssTheme, block: AssBlock): string {
  return script(theme, blockEvents(block, theme));
}

/** The karaoke captions of the whole video. */
export function captionsScript(theme: AssTheme, captions: Cue[]): string {
  const mark = theme.rightToLeft ? "\u200f" : "";
  return script(
    theme,
    captions.map((cue) => dialogue(1, cue.start, cue.end, "Caption", mark + karaoke(cue))),
  );
}

const forever = 360_000;

function script(theme: AssTheme, events: string[]): string {
  const accent = assColour(theme.accent);
  const font = theme.fontName;
  const styles = [
    `Style: Card,${font},60,&H00FFFFFF,&H00FFFFFF,&H00000000,&H00000000,1,0,0,0,100,100,0,0,1,0,0,5,80,80,40,1`,
    `Style: Strap,${font},36,${accent},${accent},&H00000000,&H00000000,1,0,0,0,100,100,0,0,1,0,0,7,64,64,0,1`,
    `Style: Points,${font},28,&H00F0F0F0,&H00F0F0F0,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,0,0,7,64,64,0,1`,
    // Karaoke: words already spoken take the primary colour, words still to come the secondary.
    `Style: Caption,${font},36,&H0052D8FF,&H00FFFFFF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,1,2,0,2,60,60,26,1`,
    `Style: Band,${font},20,&H00201A14,&H00201A14,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,0,0,7,0,0,0,1`,
  ];
  return [
    "[Script Info]",
    "ScriptType: v4.00+",
    `PlayResX: ${frame.width}`,
    `PlayResY: ${frame.height}`,
    "WrapStyle: 0",
    "ScaledBorderAndShadow: yes",
    "",
    "[V4+ Styles]",
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, " +
    "Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, " +
    "MarginR, MarginV, Encoding",
    ...styles,
    "",
    "[Events]",
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ...events,
    "",
  ].join("\n");
}

function blockEvents(block: AssBlock, theme: AssTheme): string[] {
  const rtl = theme.rightToLeft;
  // A right-to-left mark first makes every line's base direction right to left, so a line that starts
  // with a number or Latin word ("1 صفحة", "Kiln") still reads in the right order.
  const escape = (text: string) => rtl ? `\u200f${escapeAss(text)}` : escapeAss(text);
  if (block.kind === "title" || block.kind === "end") {
    const lines = block.kind === "title"
      ? [
        `{\\fs60\\b1}${escape(block.title)}`,
        ...(block.subtitle ? [`{\\fs32\\b0\\c&H00E8E8E8&}${escape(block.subtitle)}`] : []),
        ...(block.meta ? [`{\\fs26\\b0\\c${assColour(theme.accent)}}${escape(block.meta)}`] : []),
      ]
      : [
        `{\\fs52\\b1}${escape(block.title)}`,
        ...block.lines.map((line) => `{\\fs28\\b0\\c&H00E8E8E8&}${escape(line)}`),
      ];
    // Beside the page thumbnail the text takes the other half of the frame; alone it is centred.
    const alignment = block.kind === "title" && block.besideImage ? (rtl ? 6 : 4) : 5;
    const [left, right] = block.kind === "title" && block.besideImage
      ? (rtl ? [560, 80] : [80, 560])
      : [120, 120];
    const text = `{\\an${alignment}}${lines.join("\\N{\\fs14} \\N")}`;
    return [dialogue(2, 0, forever, "Card", text, left, right)];
  }
  const x = rtl ? frame.width - 64 : 64;
  const textAlign = rtl ? 9 : 7;
  const band = `{\\an7\\pos(0,${bandTop})\\p1}m 0 0 l ${frame.width} 0 ${frame.width} ${
    frame.height - bandTop
  } 0 ${frame.height - bandTop}{\\p0}`;
  const barX = rtl ? frame.width - 52 : 40;
  const bar = `{\\an7\\pos(${barX},${bandTop + 22})\\p1\\c${
    assColour(theme.accent)
  }}m 0 0 l 10 0 10 82 0 82{\\p0}`;
  const title = `{\\an${textAlign}\\pos(${x},${bandTop + 18})}${escape(block.title)}`;
  const points = block.points.length > 0
    ? `{\\an${textAlign}\\pos(${x},${bandTop + 66})}${
      // Hard spaces inside a point: lines break between points, never in the middle of one.
      block.points.map((point) => `•\\h${escape(point).replace(/ /g, "\\h")}`).join("\\h\\h\\h ")}`
    : "";
  return [
    dialogue(0, 0, forever, "Band", band),
    dialogue(1, 0, forever, "Band", bar),
    dialogue(2, 0, forever, "Strap", title),
    ...(points ? [dialogue(2, 0, forever, "Points", points)] : []),
  ];
}

/** `{\kNN}word` per word (centiseconds), with a silent lead-in so each word lights up on time. */
function karaoke(cue: Cue): string {
  if (!cue.words || cue.words.length === 0) return escapeAss(cue.text);
  const parts: string[] = [];
  let at = cue.start;
  for (const word of cue.words) {
    const gap = Math.round((word.start - at) * 100);
    if (gap > 0) parts.push(`{\\k${gap}}`);
    const length = Math.max(1, Math.round((word.end - Math.max(word.start, at)) * 100));
    parts.push(`{\\k${length}}${escapeAss(word.word)} `);
    at = Math.max(at, word.end);
  }
  return parts.join("").trimEnd();
}

function dialogue(
  layer: number,
  start: number,
  end: number,
  style: string,
  text: string,
  left = 0,
  right = 0,
) {
  return `Dialogue: ${layer},${assTime(start)},${assTime(end)},${style},,${left},${right},0,,${text}`;
}

function assTime(seconds: number): string {
  const centis = Math.max(0, Math.round(seconds * 100));
  const hours = Math.floor(centis / 360_000);
  const minutes = Math.floor(centis / 6000) % 60;
  const secs = Math.floor(centis / 100) % 60;
  return `${hours}:${String(minutes).padStart(2, "0")}:${String(secs).padStart(2, "0")}.${
    String(centis % 100).padStart(2, "0")
  }`;
}

/** RRGGBB → ASS's &HAABBGGRR (opaque). */
function assColour(hex: string): string {
  const clean = hex.replace(/^(#|0x)/, "").padStart(6, "0");
  return `&H00${clean.slice(4, 6)}${clean.slice(2, 4)}${clean.slice(0, 2)}&`.toUpperCase().replace(
    "&H",
    "&H",
  );
}

/** Document text must never become an override tag or a line break. */
export function escapeAss(text: string): string {
  return text.replace(/\\/g, "∖").replace(/\{/g, "(").replace(/\}/g, ")").replace(/\s+/g, " ").trim();
}
