/**
 * The document's shape from its page layout: title and subtitle (the largest lines on page 1),
 * headings (lines clearly larger than the body text), the parts between headings, and where a
 * piece of narration is found on a page — so a section can show the page it comes from and the
 * camera can pan across the lines it quotes or paraphrases.
 */
import type { Box, PdfLayout, PdfLine, PdfPage } from "../media/pdf_pages.ts";

export interface Heading {
  text: string;
  page: number;
}

export interface DocumentOutline {
  title?: string;
  subtitle?: string;
  headings: Heading[];
}

export interface DocumentPart {
  title?: string;
  page: number;
  text: string;
}

export function outlineOf(layout: PdfLayout): DocumentOutline {
  const body = bodyLineHeight(layout.pages);
  const headings: (Heading & { height: number })[] = [];
  for (const page of layout.pages) {
    for (const line of page.lines) {
      if (isHeading(line, body)) headings.push({ text: line.text, page: page.number, height: height(line) });
    }
  }
  const first = layout.pages[0]?.lines ?? [];
  const largest = [...first].sort((a, b) => height(b) - height(a))[0];
  let title = largest && height(largest) >= body * 1.3 ? largest.text : undefined;
  let subtitle: string | undefined;
  if (largest && title) {
    // The line under the title is a subtitle when it is set larger than the body but not in the
    // size the section headings use.
    const next = first[first.indexOf(largest) + 1];
    const headingSize = mostCommon(headings.filter((heading) => heading.text !== title).map((h) => h.height));
    const size = next ? height(next) : 0;
    if (next && size > body * 1.1 && size < height(largest) && Math.abs(size - (headingSize ?? 0)) > 0.5) {
      subtitle = next.text;
    }
  }
  const metadata = layout.title?.trim();
  if (!title && metadata && metadata.length <= 120 && !/\.(docx?|pdf|pptx?)$/i.test(metadata)) {
    title = metadata;
  }
  // The title is not a section heading (nor is the subtitle).
  const sectionHeadings = headings.filter((heading) => heading.text !== title && heading.text !== subtitle)
    .map(({ text, page }) => ({ text, page }));
  return { ...(title ? { title } : {}), ...(subtitle ? { subtitle } : {}), headings: sectionHeadings };
}

/** The text between headings, in reading order; without headings, one part per page. */
export function partsOf(layout: PdfLayout, outline: DocumentOutline): DocumentPart[] {
  const skip = new Set([outline.title, outline.subtitle].filter(Boolean));
  const headingTexts = new Set(outline.headings.map((heading) => heading.text));
  const parts: DocumentPart[] = [];
  for (const page of layout.pages) {
    if (headingTexts.size === 0) parts.push({ page: page.number, text: "" });
    for (const line of page.lines) {
      if ((skip.has(line.text) && page.number === 1) || /^\d{1,4}$/.test(line.text)) continue; // title, page numbers
      if (headingTexts.has(line.text)) {
        parts.push({ title: line.text, page: page.number, text: "" });
        continue;
      }
      if (parts.length === 0) parts.push({ page: page.number, text: "" });
      const part = parts.at(-1)!;
      // Lines of one paragraph join into sentences; a hyphen at a line end joins a split word.
      part.text = !part.text
        ? line.text
        : part.text.endsWith("-")
        ? part.text.slice(0, -1) + line.text
        : `${part.text} ${line.text}`;
    }
  }
  return parts.filter((part) => part.text.trim().length > 0);
}

export interface Location {
  page: number;
  /** The lines that match, in PDF points; absent when nothing on the page matches well. */
  box?: Box;
}

/** The page (and region on it) that best matches `text`, by shared content words. */
export function locate(text: string, pages: PdfPage[], hint?: number): Location | undefined {
  // A cited page the layout does not hold (beyond the pages read, or made up) is no hint.
  const hintPage = pages.some((page) => page.number === hint) ? hint : undefined;
  const wanted = new Set(contentWords(text));
  if (wanted.size === 0 || pages.length === 0) return hintPage ? { page: hintPage } : undefined;
  let best: { page: PdfPage; score: number } | undefined;
  for (const page of pages) {
    const found = new Set(
      page.lines.flatMap((line) => contentWords(line.text)).filter((word) => wanted.has(word)),
    );
    // Ties go to the hinted page (the writer's own citation), then to the earlier page.
    const score = found.size + (page.number === hintPage ? 0.5 : 0);
    if (!best || score > best.score) best = { page, score };
  }
  if (!best || best.score < 2) return hintPage ? { page: hintPage } : undefined;
  const matches = best.page.lines.map((line) => {
    const words = contentWords(line.text);
    return words.length > 0 && words.filter((word) => wanted.has(word)).length / words.length >= 0.5;
  });
  const box = densestRun(best.page.lines, matches);
  return { page: best.page.number, ...(box ? { box } : {}) };
}

/** The bounding box of the longest run of matching lines (gaps of one line are bridged). */
function densestRun(lines: PdfLine[], matches: boolean[]): Box | undefined {
  let bestRun: PdfLine[] = [];
  let run: PdfLine[] = [];
  let misses = 0;
  lines.forEach((line, index) => {
    if (matches[index]) {
      run.push(line);
      misses = 0;
    } else if (run.length > 0 && ++misses > 1) {
      if (run.length > bestRun.length) bestRun = run;
      run = [];
      misses = 0;
    }
  });
  if (run.length > bestRun.length) bestRun = run;
  if (bestRun.length === 0) return undefined;
  return {
    x0: Math.min(...bestRun.map((line) => line.box.x0)),
    y0: Math.min(...bestRun.map((line) => line.box.y0)),
    x1: Math.max(...bestRun.map((line) => line.box.x1)),
    y1: Math.max(...bestRun.map((line) => line.box.y1)),
  };
}

const stop = new Set(
  ("the and for are was were that this with from have has its into than they their them then there these " +
    "those which what when where will would can could also been more most such other about over only very " +
    "في من على إلى عن أن إن هذا هذه التي الذي مع كان هو هي ثم أو قد كل").split(" "),
);

export function contentWords(text: string): string[] {
  return (text.toLowerCase().normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((word) => word.length > 2 && !stop.has(word));
}

function height(line: PdfLine): number {
  return line.box.y1 - line.box.y0;
}

/** The line height most of the text is set in (weighted by characters). */
function bodyLineHeight(pages: PdfPage[]): number {
  const weights = new Map<number, number>();
  for (const page of pages) {
    for (const line of page.lines) {
      const key = Math.round(height(line) * 2) / 2;
      weights.set(key, (weights.get(key) ?? 0) + line.text.length);
    }
  }
  return [...weights].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 12;
}

function isHeading(line: PdfLine, body: number): boolean {
  const words = line.text.split(/\s+/).length;
  return height(line) >= body * 1.25 && words <= 12 && /\p{L}/u.test(line.text) && !/[.,;:]$/.test(line.text);
}

function mostCommon(values: number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const value of values) {
    counts.set(Math.round(value * 2) / 2, (counts.get(Math.round(value * 2) / 2) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}
