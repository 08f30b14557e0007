/**
 * What a PDF looks like, read with poppler-utils: every line's text and box (`pdftotext
 * -bbox-layout`), page images (`pdftoppm`) and embedded raster figures (`pdfimages`). Each run has a
 * time limit, and page count, pixel size and figure size are bounded before a tool is asked, so a
 * hostile PDF costs at most a few seconds and a few megabytes per page.
 */
import { runTool } from "./tools.ts";

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface PdfLine {
  text: string;
  /** In PDF points, origin at the page's top-left corner. */
  box: Box;
}

export interface PdfPage {
  /** 1-based. */
  number: number;
  width: number;
  height: number;
  lines: PdfLine[];
}

export interface PdfLayout {
  /** The document-information title, when the PDF has one. */
  title?: string;
  pages: PdfPage[];
}

export interface PdfFigure {
  page: number;
  /** Index of the image on its page, as pdfimages numbers it. */
  index: number;
  width: number;
  height: number;
}

export interface PopplerBinaries {
  pdftotext: string;
  pdftoppm: string;
  pdfimages: string;
}

export interface PopplerRun {
  signal?: AbortSignal;
  /** Per tool run. */
  timeoutMs?: number;
}

/** Pages read for layout; later pages are summarised from the text but never shown. */
export const maxLayoutPages = 40;
/** Largest page image edge, pixels. */
export const maxPagePixels = 2600;
/** Embedded images larger than this (pixels) are not extracted. */
const maxFigurePixels = 12_000_000;
const minFigureEdge = 120;
const defaultTimeoutMs = 20_000;

export async function readLayout(
  binaries: PopplerBinaries,
  pdfPath: string,
  run: PopplerRun = {},
): Promise<PdfLayout> {
  const xhtml = new TextDecoder().decode(
    await runTool(binaries.pdftotext, [
      "-bbox-layout",
      "-l",
      String(maxLayoutPages),
      "-enc",
      "UTF-8",
      pdfPath,
      "-",
    ], {
      signal: run.signal,
      timeoutMs: run.timeoutMs ?? defaultTimeoutMs,
    }),
  );
  return parseBboxLayout(xhtml);
}

/** Parses pdftotext's `-bbox-layout` XHTML (pages → lines → words). */
export function parseBboxLayout(xhtml: string): PdfLayout {
  const title = xhtml.match(/<title>([^<]*)<\/title>/)?.[1];
  const pages: PdfPage[] = [];
  const pagePattern = /<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>/g;
  for (const pageMatch of xhtml.matchAll(pagePattern)) {
    const lines: PdfLine[] = [];
    for (const lineMatch of pageMatch[3].matchAll(/<line ([^>]*)>([\s\S]*?)<\/line>/g)) {
      const words = [...lineMatch[2].matchAll(/<word [^>]*>([^<]*)<\/word>/g)].map((word) => decode(word[1]));
      const text = logicalOrder(words).join(" ").trim();
      if (text) lines.push({ text, box: readBox(lineMatch[1]) });
    }
    pages.push({
      number: pages.length + 1,
      width: Number(pageMatch[1]),
      height: Number(pageMatch[2]),
      lines,
    });
  }
  const cleanTitle = title ? decode(title).trim() : "";
  return { ...(cleanTitle ? { title: cleanTitle } : {}), pages };
}

/**
 * Renders page `page` to a PNG `widthPx` wide (height from the page's shape), both edges capped at
 * maxPagePixels. Returns the file's path and pixel size.
 */
export async function renderPage(
  binaries: PopplerBinaries,
  pdfPath: string,
  page: { number: number; width: number; height: number },
  widthPx: number,
  outPrefix: string,
  run: PopplerRun = {},
): Promise<{ path: string; width: number; height: number }> {
  let width = Math.min(Math.round(widthPx), maxPagePixels);
  let height = Math.round((width * page.height) / page.width);
  if (height > maxPagePixels) {
    height = maxPagePixels;
    width = Math.max(1, Math.round((height * page.width) / page.height));
  }
  await runTool(binaries.pdftoppm, [
    "-f",
    String(page.number),
    "-l",
    String(page.number),
    "-singlefile",
    "-png",
    "-scale-to-x",
    String(width),
    "-scale-to-y",
    String(height),
    pdfPath,
    outPrefix,
  ], { signal: run.signal, timeoutMs: run.timeoutMs ?? defaultTimeoutMs });
  return { path: `${outPrefix}.png`, width, height };
}

/** Embedded raster images worth showing (not tiny, not huge), from `pdfimages -list`. */
export async function listFigures(
  binaries: PopplerBinaries,
  pdfPath: string,
  run: PopplerRun = {},
): Promise<PdfFigure[]> {
  const listing = new TextDecoder().decode(
    await runTool(binaries.pdfimages, ["-list", "-l", String(maxLayoutPages), pdfPath], {
      signal: run.signal,
      timeoutMs: run.timeoutMs ?? defaultTimeoutMs,
    }),
  );
  const perPage = new Map<number, number>();
  const figures: PdfFigure[] = [];
  for (const row of listing.split("\n").slice(2)) {
    const columns = row.trim().split(/\s+/);
    if (columns.length < 5) continue;
    const [page, , type, width, height] = [
      Number(columns[0]),
      columns[1],
      columns[2],
      Number(columns[3]),
      Number(columns[4]),
    ];
    const index = perPage.get(page) ?? 0;
    perPage.set(page, index + 1);
    if (type !== "image" || !Number.isFinite(width) || !Number.isFinite(height)) continue;
    if (Math.min(width, height) < minFigureEdge || width * height > maxFigurePixels) continue;
    figures.push({ page, index, width, height });
  }
  return figures;
}

/** Writes one figure as a PNG; returns its path. */
export async function extractFigure(
  binaries: PopplerBinaries,
  pdfPath: string,
  figure: PdfFigure,
  outPrefix: string,
  run: PopplerRun = {},
): Promise<string> {
  const page = String(figure.page);
  await runTool(binaries.pdfimages, ["-png", "-p", "-f", page, "-l", page, pdfPath, outPrefix], {
    signal: run.signal,
    timeoutMs: run.timeoutMs ?? defaultTimeoutMs,
  });
  const path = `${outPrefix}-${page.padStart(3, "0")}-${String(figure.index).padStart(3, "0")}.png`;
  await Deno.stat(path);
  return path;
}

const rightToLeft = /[\p{Script=Arabic}\p{Script=Hebrew}]/u;

/**
 * `-bbox-layout` lists words in visual order, left to right, and right-to-left words with their
 * letters reversed. A line whose words are mostly right-to-left is turned back into reading order:
 * word order reversed, and the letters of each right-to-left word reversed (numbers and Latin
 * words inside keep theirs).
 */
export function logicalOrder(words: string[]): string[] {
  const rtl = words.filter((word) => rightToLeft.test(word)).length;
  if (rtl === 0 || rtl * 2 < words.length) return words;
  return [...words].reverse().map((word) => rightToLeft.test(word) ? [...word].reverse().join("") : word);
}

function readBox(attributes: string): Box {
  const value = (name: string) => Number(attributes.match(new RegExp(`${name}="([-\\d.]+)"`))?.[1] ?? 0);
  return { x0: value("xMin"), y0: value("yMin"), x1: value("xMax"), y1: value("yMax") };
}

function decode(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|apos|#(\d+));/g,
    (_, name: string, code?: string) =>
      code ? String.fromCodePoint(Number(code)) : { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[name]!,
  );
}
