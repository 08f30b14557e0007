/**
 * Script sections + the document's layout → the scenes of the video: a title card (title,
 * subtitle, page count, a thumbnail of page 1), one or two scenes per section — the page it comes
 * from, zoomed so the lines it quotes fill the width and panned across them, then the page's figure
 * when it has one — with the section's title and key points as the lower-third, and an end card
 * listing the chapters. Without a layout (poppler missing) sections get plain cards.
 */
import type { DocumentOutline } from "./outline.ts";
import { locate } from "./outline.ts";
import type { Box, PdfFigure, PdfPage, PopplerBinaries } from "../media/pdf_pages.ts";
import { extractFigure, maxPagePixels, renderPage } from "../media/pdf_pages.ts";
import type { PlanImage, Scene } from "../media/render_video.ts";
import { frame } from "../media/ass.ts";
import type { Language } from "./script_rules.ts";
import type { ScriptSection } from "./sections.ts";
import { captionCut, splitSentences } from "../media/sentences.ts";

/** What the layout step stores (layout.json): enough to place every section on its page. */
export interface StoredLayout {
  pages: PdfPage[];
  figures: PdfFigure[];
  outline: DocumentOutline;
}

export interface StoryboardInput {
  sections: ScriptSection[];
  language: Language;
  pageCount: number;
  layout?: StoredLayout;
  pdfPath?: string;
  poppler: PopplerBinaries;
  workDir: string;
  signal?: AbortSignal;
}

const words: Record<
  Language,
  { pages: (n: number) => string; sections: (n: number) => string; credit: string }
> = {
  en: {
    pages: (n) => `${n} page${n === 1 ? "" : "s"}`,
    sections: (n) => `${n} section${n === 1 ? "" : "s"}`,
    credit: "Summary made with Kiln",
  },
  ar: {
    pages: (n) => `${n} ${n === 1 ? "صفحة" : "صفحات"}`,
    sections: (n) => `${n} ${n === 1 ? "قسم" : "أقسام"}`,
    credit: "ملخص من إعداد Kiln",
  },
};

export async function storyboard(input: StoryboardInput): Promise<Scene[]> {
  const { layout, sections, language } = input;
  const pages = new PageImages(input);
  const title = layout?.outline.title ?? sections[0].title;
  const localised = words[language];
  const thumbnail = layout && input.pdfPath ? await pages.thumbnail() : undefined;
  const scenes: Scene[] = [{
    visual: { kind: "card", ...(thumbnail ? { thumbnail } : {}) },
    text: {
      kind: "title",
      title,
      ...(layout?.outline.subtitle ? { subtitle: layout.outline.subtitle } : {}),
      meta: `${localised.pages(input.pageCount)} · ${localised.sections(sections.length)}`,
    },
    sentences: [endWithStop(title)],
    holdSeconds: 0.8,
    chapter: title,
  }];
  for (const section of sections) {
    const lowerThird = { kind: "lowerThird" as const, title: section.title, points: section.keyPoints };
    const sentences = splitSentences(section.text, captionCut);
    const place = layout && input.pdfPath ? locate(section.text, layout.pages, section.page) : undefined;
    if (!place) {
      scenes.push({ visual: { kind: "card" }, text: lowerThird, sentences, chapter: section.title });
      continue;
    }
    const image = await pages.page(place.page, place.box);
    const figure = layout!.figures.filter((item) => item.page === place.page)
      .sort((a, b) => b.width * b.height - a.width * a.height)[0];
    const onPage = figure && sentences.length >= 2 ? Math.ceil(sentences.length / 2) : sentences.length;
    scenes.push({
      visual: { kind: "page", image: image.image, ...(image.focus ? { focus: image.focus } : {}) },
      text: lowerThird,
      sentences: sentences.slice(0, onPage),
      chapter: section.title,
    });
    if (onPage < sentences.length) {
      scenes.push({
        visual: { kind: "figure", image: await pages.figure(figure) },
        text: lowerThird,
        sentences: sentences.slice(onPage),
      });
    }
  }
  scenes.push({
    visual: { kind: "card" },
    text: {
      kind: "end",
      title,
      lines: [
        ...sections.slice(0, 6).map((section, index) => `${index + 1}. ${section.title}`),
        localised.credit,
      ],
    },
    sentences: [],
    holdSeconds: 3,
  });
  return scenes;
}

/** Page images rendered once per (page, width), figures extracted once. */
class PageImages {
  #rendered = new Map<string, PlanImage>();
  #input: StoryboardInput;

  constructor(input: StoryboardInput) {
    this.#input = input;
  }

  async thumbnail(): Promise<PlanImage> {
    const first = this.#pageInfo(1);
    return await this.#render(1, Math.round((520 * first.width) / first.height));
  }

  /** The page scaled so the focus lines (plus a margin) fill the frame's width. */
  async page(number: number, focus?: Box): Promise<{ image: PlanImage; focus?: Box }> {
    const info = this.#pageInfo(number);
    const fitWidth = frame.width / info.width;
    const zoom = focus ? frame.width / (focus.x1 - focus.x0 + 80) : fitWidth;
    const scale = Math.min(Math.max(zoom, fitWidth), 3, maxPagePixels / info.width);
    const image = await this.#render(number, Math.round(info.width * scale));
    const actual = image.width / info.width;
    return {
      image,
      ...(focus
        ? {
          focus: {
            x0: focus.x0 * actual,
            y0: focus.y0 * actual,
            x1: focus.x1 * actual,
            y1: focus.y1 * actual,
          },
        }
        : {}),
    };
  }

  async figure(figure: PdfFigure): Promise<PlanImage> {
    const { poppler, pdfPath, workDir, signal } = this.#input;
    const path = await extractFigure(poppler, pdfPath!, figure, `${workDir}/figure-${figure.page}`, {
      signal,
    });
    return { path, width: figure.width, height: figure.height };
  }

  #pageInfo(number: number): PdfPage {
    return this.#input.layout!.pages.find((page) => page.number === number) ?? this.#input.layout!.pages[0];
  }

  async #render(number: number, width: number): Promise<PlanImage> {
    const key = `${number}@${width}`;
    const cached = this.#rendered.get(key);
    if (cached) return cached;
    const { poppler, pdfPath, workDir, signal } = this.#input;
    const image = await renderPage(
      poppler,
      pdfPath!,
      this.#pageInfo(number),
      width,
      `${workDir}/page-${number}-${width}`,
      {
        signal,
      },
    );
    this.#rendered.set(key, image);
    return image;
  }
}

function endWithStop(text: string): string {
  return /[.!?؟]$/.test(text) ? text : `${text}.`;
}
