/**
 * Doc-to-video's offline pipeline pieces: PDF text extraction, page layout (poppler), the extractive
 * summariser, and the local render with page visuals on — reported as wall seconds per second of
 * finished video, which is what a job pays (target ≤ 0.25). The same script rendered on plain cards
 * (no page images) in the same run is the baseline. Bounded: one render of each.
 */
import { createPdfTextReader } from "../../lib/doc_to_video/document_text.ts";
import { outlineOf, partsOf } from "../../lib/doc_to_video/outline.ts";
import { storyboard } from "../../lib/doc_to_video/storyboard.ts";
import { summariseSections } from "../../lib/doc_to_video/summariser.ts";
import { listFigures, readLayout } from "../../lib/media/pdf_pages.ts";
import { renderVideo, type Scene } from "../../lib/media/render_video.ts";
import { defaultVoice, installedVoices } from "../../lib/media/voices.ts";
import { reportPdf } from "../../tests/doc_to_video/report_pdf.ts";
import { type Row, row, tempDir, withDeadline } from "../support.ts";

const poppler = { pdftotext: "pdftotext", pdftoppm: "pdftoppm", pdfimages: "pdfimages" };
const speech = { flite: "flite", espeak: "espeak-ng", text2wave: "text2wave" };

export async function run(): Promise<Row[]> {
  const pdf = await reportPdf();
  const rounds = 20;
  const reader = createPdfTextReader();
  let started = 0;
  try {
    await reader.read(pdf); // start the contained child outside the clock
    started = performance.now();
    for (let round = 0; round < rounds; round++) await reader.read(pdf);
  } finally {
    await reader.close();
  }
  const extractMs = (performance.now() - started) / rounds;

  await using work = await tempDir("kiln-bench-dtv-");
  const pdfPath = `${work.path}/report.pdf`;
  await Deno.writeFile(pdfPath, pdf);
  started = performance.now();
  const layout = await readLayout(poppler, pdfPath);
  const stored = {
    pages: layout.pages,
    figures: await listFigures(poppler, pdfPath),
    outline: outlineOf(layout),
  };
  const layoutMs = performance.now() - started;
  const parts = partsOf(layout, stored.outline);
  started = performance.now();
  let sections = summariseSections(parts, "en", "summarize", 120);
  for (let round = 1; round < rounds; round++) sections = summariseSections(parts, "en", "summarize", 120);
  const summariseMs = (performance.now() - started) / rounds;

  const voice = defaultVoice(await installedVoices(speech), "en");
  if (!voice) throw new Error("no English voice installed (apt-get install flite)");
  const render = async (scenes: Scene[], dir: string) => {
    await Deno.mkdir(dir);
    return await withDeadline(
      renderVideo({
        scenes,
        rightToLeft: false,
        background: "1e3a5f",
        accent: "ffc857",
        fontFile: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        fontName: "DejaVu Sans",
        voice,
        speech,
        ffmpeg: "ffmpeg",
        workDir: dir,
      }),
      180_000,
      "the local render",
    );
  };
  // With page visuals: the storyboard (page images, the figure) is part of what a job pays.
  started = performance.now();
  const pagesDir = `${work.path}/pages`;
  await Deno.mkdir(pagesDir);
  const scenes = await storyboard({
    sections,
    language: "en",
    pageCount: layout.pages.length,
    layout: stored,
    pdfPath,
    poppler,
    workDir: pagesDir,
  });
  const video = await render(scenes, `${pagesDir}/out`);
  const pagesCost = (performance.now() - started) / 1000 / video.durationSeconds;
  // Baseline: the same narration over plain cards.
  started = performance.now();
  const cardsDir = `${work.path}/cards`;
  await Deno.mkdir(cardsDir);
  const cards = await storyboard({ sections, language: "en", pageCount: 4, poppler, workDir: cardsDir });
  const plain = await render(cards, `${cardsDir}/out`);
  const cardsCost = (performance.now() - started) / 1000 / plain.durationSeconds;
  const round3 = (value: number) => Math.round(value * 1000) / 1000;
  return [
    row(
      "doc-to-video PDF text extraction (4 pages, contained child process)",
      Math.round(extractMs * 10) / 10,
      "ms",
    ),
    row("doc-to-video page layout + figures (poppler, 4 pages)", Math.round(layoutMs), "ms"),
    row("doc-to-video extractive summary by section", Math.round(summariseMs * 100) / 100, "ms"),
    row(
      `doc-to-video local render: video length (${voice.id})`,
      Math.round(video.durationSeconds * 10) / 10,
      "s",
    ),
    row("doc-to-video local render cost, page visuals on (wall s per video s)", round3(pagesCost), "×", {
      baseline: round3(cardsCost),
      target: { op: "<=", value: 0.25 },
    }),
  ];
}
