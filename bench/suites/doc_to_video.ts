/**
 * Doc-to-video's offline pipeline pieces: PDF text extraction, the extractive summariser, and the
 * local renderer (espeak-ng + ffmpeg) — reported as wall seconds per second of finished video,
 * which is what a job pays. Bounded: one render of a ~45 s script.
 */
import { createPdfTextReader } from "../../lib/doc_to_video/document_text.ts";
import { summarise } from "../../lib/doc_to_video/summariser.ts";
import { createLocalRenderer } from "../../lib/providers/video/local.ts";
import { englishPdf } from "../../tests/doc_to_video/pdfs.ts";
import { type Row, row, tempDir, withDeadline } from "../support.ts";

export async function run(): Promise<Row[]> {
  const pdf = await englishPdf();
  const rounds = 20;
  const reader = createPdfTextReader();
  let text = "";
  let started = 0;
  try {
    await reader.read(pdf); // start the contained child outside the clock
    started = performance.now();
    for (let round = 0; round < rounds; round++) text = (await reader.read(pdf)).text;
  } finally {
    await reader.close();
  }
  const extractMs = (performance.now() - started) / rounds;
  started = performance.now();
  let script = "";
  for (let round = 0; round < rounds; round++) script = summarise(text, "en", "summarize", 120);
  const summariseMs = (performance.now() - started) / rounds;

  await using work = await tempDir("kiln-bench-dtv-");
  const renderer = createLocalRenderer({
    ffmpeg: "ffmpeg",
    espeak: "espeak-ng",
    fontFile: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  });
  started = performance.now();
  const video = await withDeadline(
    renderer.render({ script, language: "en", apiType: "clips", sentiment: "neutral", workDir: work.path }),
    120_000,
    "the local render",
  );
  const renderSeconds = (performance.now() - started) / 1000;
  return [
    row(
      "doc-to-video PDF text extraction (1 page, contained child process)",
      Math.round(extractMs * 10) / 10,
      "ms",
    ),
    row("doc-to-video extractive summary", Math.round(summariseMs * 100) / 100, "ms"),
    row("doc-to-video local render: video length", Math.round(video.durationSeconds * 10) / 10, "s"),
    row(
      "doc-to-video local render cost (wall s per video s)",
      Math.round((renderSeconds / video.durationSeconds) * 1000) / 1000,
      "×",
      { target: { op: "<=", value: 0.5 } },
    ),
  ];
}
