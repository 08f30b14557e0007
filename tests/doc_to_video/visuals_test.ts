/**
 * The page-visual video itself, frame by frame: a generated four-page report with headings and a
 * raster chart goes through the layout reader, the storyboard and the renderer; frames sampled with
 * ffmpeg are compared with the rendered page images, the chart's colours are found in the figure
 * scene, the title card is laid out as designed, and the chapters follow the sections.
 */
import assert from "node:assert/strict";
import { outlineOf } from "../../lib/doc_to_video/outline.ts";
import { storyboard } from "../../lib/doc_to_video/storyboard.ts";
import { listFigures, readLayout } from "../../lib/media/pdf_pages.ts";
import { type PlanImage, renderVideo } from "../../lib/media/render_video.ts";
import { panPath } from "../../lib/media/video_graph.ts";
import { runTool } from "../../lib/media/tools.ts";
import { defaultVoice, installedVoices } from "../../lib/media/voices.ts";
import { systemTool } from "../support/system_tools.ts";
import { reportPdf, reportSubtitle, reportTitle } from "./report_pdf.ts";

const install = "apt-get install -y ffmpeg flite poppler-utils fonts-dejavu-core";
const ffmpeg = systemTool("ffmpeg", ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"], install);
const flite = systemTool("flite", ["/usr/bin/flite", "/usr/local/bin/flite"], install);
const pdftoppm = systemTool("pdftoppm", ["/usr/bin/pdftoppm", "/usr/local/bin/pdftoppm"], install);
const poppler = { pdftotext: "pdftotext", pdftoppm: "pdftoppm", pdfimages: "pdfimages" };
const speech = { flite: "flite", espeak: "espeak-ng", text2wave: "text2wave" };
const font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

const sections = [
  {
    title: "How panels work",
    text: "When light hits a cell, it knocks electrons loose and creates a flow of electric current. " +
      "Modern panels convert about twenty percent of the sunlight that reaches them into power.",
    keyPoints: ["Light frees electrons", "About twenty percent"],
  },
  {
    title: "Costs and savings",
    text: "The cost of solar electricity has fallen by more than eighty percent over the last decade.",
    keyPoints: ["Eighty percent cheaper"],
  },
];

/** One grey frame region as raw bytes (ffmpeg seeks to `at` seconds). */
async function grey(input: string, crop: string, at?: number): Promise<Uint8Array> {
  return await runTool("ffmpeg", [
    "-v",
    "error",
    ...(at === undefined ? [] : ["-ss", at.toFixed(3)]),
    "-i",
    input,
    "-frames:v",
    "1",
    "-vf",
    `${crop},format=gray`,
    "-f",
    "rawvideo",
    "-",
  ], { timeoutMs: 30_000 });
}

async function rgb(input: string, at: number): Promise<Uint8Array> {
  return await runTool("ffmpeg", [
    "-v",
    "error",
    "-ss",
    at.toFixed(3),
    "-i",
    input,
    "-frames:v",
    "1",
    "-f",
    "rawvideo",
    "-pix_fmt",
    "rgb24",
    "-",
  ], { timeoutMs: 30_000 });
}

function meanDifference(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.length, b.length);
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += Math.abs(a[index] - b[index]);
  return sum / a.length;
}

/** The page region the camera shows at the start of a page scene (above the lower-third band). */
function pageCrop(image: PlanImage, focus?: { x0: number; y0: number; x1: number; y1: number }): string {
  const pan = panPath(image, focus);
  return `crop=1280:470:${pan.x}:${pan.y0}`;
}

Deno.test({
  name:
    "a report becomes a video showing its title card, its pages where the narration reads, its chart and chapters",
  ignore: ffmpeg.ignore || flite.ignore || pdftoppm.ignore,
  async fn() {
    const work = await Deno.makeTempDir({ prefix: "kiln-visuals-test-" });
    try {
      const pdfPath = `${work}/report.pdf`;
      await Deno.writeFile(pdfPath, await reportPdf());
      const layout = await readLayout(poppler, pdfPath);
      const stored = {
        pages: layout.pages,
        figures: await listFigures(poppler, pdfPath),
        outline: outlineOf(layout),
      };
      assert.deepEqual(stored.figures.map((figure) => figure.page), [2]);
      const scenes = await storyboard({
        sections,
        language: "en",
        pageCount: 4,
        layout: stored,
        pdfPath,
        poppler,
        workDir: work,
      });
      assert.deepEqual(scenes.map((scene) => scene.visual.kind), ["card", "page", "figure", "page", "card"]);
      assert.deepEqual(scenes[0].text, {
        kind: "title",
        title: reportTitle,
        subtitle: reportSubtitle,
        meta: "4 pages · 2 sections",
      });
      assert.deepEqual(scenes[1].text, {
        kind: "lowerThird",
        title: "How panels work",
        points: sections[0].keyPoints,
      });

      const voice = defaultVoice(await installedVoices(speech), "en")!;
      assert.equal(voice.engine, "flite");
      const video = await renderVideo({
        scenes,
        rightToLeft: false,
        background: "1e3a5f",
        accent: "ffc857",
        fontFile: font,
        fontName: "DejaVu Sans",
        voice,
        speech,
        ffmpeg: "ffmpeg",
        workDir: work,
      });
      assert.ok(video.exactWordTimes, "flite reports word times");
      assert.match(video.captions, /^WEBVTT\n\n1\n00:00:00\.\d{3} --> /);
      assert.match(video.captions, /When <00:00:0\d\.\d{3}>light/);
      const chapters = [...video.chapters.matchAll(/(\d\d:\d\d:\d\d\.\d{3}) --> .*\n(.+)\n/g)]
        .map((match) => ({
          at: match[1].split(":").reduce((sum, part) => sum * 60 + Number(part), 0),
          title: match[2],
        }));
      assert.deepEqual(chapters.map((chapter) => chapter.title), [
        reportTitle,
        "How panels work",
        "Costs and savings",
      ]);
      assert.equal(new TextDecoder().decode((await Deno.readFile(video.posterPath)).subarray(6, 10)), "JFIF");

      // Section 1 opens on page 2, zoomed onto the lines it reads: the frame is that part of the rendered page.
      const page2 = scenes[1].visual.kind === "page" ? scenes[1].visual : undefined;
      const page3 = scenes[3].visual.kind === "page" ? scenes[3].visual : undefined;
      assert.ok(page2 && page3 && page2.focus && page2.image.width >= 1280);
      const frame = await grey(video.videoPath, "crop=1280:470:0:0", chapters[1].at + 0.1);
      const samePage = meanDifference(
        frame,
        await grey(page2.image.path, pageCrop(page2.image, page2.focus)),
      );
      const otherPage = meanDifference(
        frame,
        await grey(page3.image.path, pageCrop(page2.image, page2.focus)),
      );
      assert.ok(
        samePage < 12 && samePage < otherPage * 0.6,
        `same page ${samePage}, other page ${otherPage}`,
      );

      // The second sentence is read over the page's chart: its bar colours fill the frame.
      const modern = Number(
        video.captions.match(/(\d\d:\d\d:\d\d\.\d{3}) --> .*\nModern/)![1].split(":")
          .reduce((sum, part) => sum * 60 + Number(part), 0),
      );
      const chart = await rgb(video.videoPath, modern + 0.3);
      const near = (r: number, g: number, b: number) => {
        let count = 0;
        for (let index = 0; index < chart.length; index += 3) {
          if (
            Math.abs(chart[index] - r) + Math.abs(chart[index + 1] - g) + Math.abs(chart[index + 2] - b) < 60
          ) count++;
        }
        return count / (chart.length / 3);
      };
      for (
        const [r, g, b] of [[0x2a, 0x6f, 0xdb], [0xe8, 0x54, 0x2f], [0x2f, 0xa8, 0x4f], [0xf2, 0xb7, 0x05]]
      ) {
        assert.ok(near(r, g, b) > 0.01, `chart colour ${r},${g},${b} covers ${near(r, g, b)}`);
      }

      // Title card: the background on the left (text side), page 1's white thumbnail on the right.
      const title = await rgb(video.videoPath, 1);
      const brightness = (x0: number, x1: number) => {
        let sum = 0;
        let count = 0;
        for (let y = 150; y < 570; y += 4) {
          for (let x = x0; x < x1; x += 4) {
            const at = (y * 1280 + x) * 3;
            sum += (title[at] + title[at + 1] + title[at + 2]) / 3;
            count++;
          }
        }
        return sum / count;
      };
      assert.ok(brightness(900, 1100) > 200, "thumbnail of page 1 on the right");
      assert.ok(brightness(0, 60) < 90, "background on the left");
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  },
});
