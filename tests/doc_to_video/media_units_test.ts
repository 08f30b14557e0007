/** The pure parts of the page-visual renderer: layout parsing, outline, captions, word times, ASS, tools. */
import assert from "node:assert/strict";
import { locate, outlineOf, partsOf } from "../../lib/doc_to_video/outline.ts";
import { captionsScript, escapeAss, sceneTextScript } from "../../lib/media/ass.ts";
import { chaptersVtt, cuesForSentence, webVtt } from "../../lib/media/captions.ts";
import { logicalOrder, parseBboxLayout } from "../../lib/media/pdf_pages.ts";
import { panPath } from "../../lib/media/video_graph.ts";
import { proportionalWordTimes } from "../../lib/media/speech.ts";
import { runTool, ToolTimeoutError } from "../../lib/media/tools.ts";
import { wordErrorRate } from "../../scripts/voice_table.ts";

const line = (text: string, y: number, height: number, x1 = 400) =>
  `<line xMin="56" yMin="${y}" xMax="${x1}" yMax="${y + height}">${
    text.split(" ").map((word) => `<word xMin="0" yMin="0" xMax="0" yMax="0">${word}</word>`).join("")
  }</line>`;
const page = (lines: string[]) =>
  `<page width="612.000000" height="792.000000"><flow><block>${lines.join("")}</block></flow></page>`;
const xhtml = `<html><head><title>report.docx</title></head><body><doc>${
  page([
    line("Solar &amp; Storage", 60, 30),
    line("An annual report", 100, 15),
    line("Introduction", 140, 20),
    line("Panels turn sunlight into electricity.", 170, 11),
    line("1", 760, 9),
  ])
}${
  page([
    line("Costs", 60, 20),
    line("Prices of panels fell by eighty percent in", 90, 11),
    line("ten years while batteries got cheaper.", 106, 11),
    line("Warranties last twenty five years.", 122, 11),
  ])
}</doc></body></html>`;

Deno.test("pdftotext's bbox layout becomes pages of lines; the outline finds title, subtitle and headings", () => {
  const layout = parseBboxLayout(xhtml);
  assert.equal(layout.title, "report.docx");
  assert.equal(layout.pages.length, 2);
  assert.deepEqual(layout.pages[0].lines[0], {
    text: "Solar & Storage",
    box: { x0: 56, y0: 60, x1: 400, y1: 90 },
  });
  const outline = outlineOf(layout);
  // A file name in the metadata is not a title; the largest line on page 1 is.
  assert.deepEqual(outline, {
    title: "Solar & Storage",
    subtitle: "An annual report",
    headings: [{ text: "Introduction", page: 1 }, { text: "Costs", page: 2 }],
  });
  assert.deepEqual(partsOf(layout, outline), [
    { title: "Introduction", page: 1, text: "Panels turn sunlight into electricity." },
    {
      title: "Costs",
      page: 2,
      text: "Prices of panels fell by eighty percent in ten years while batteries got cheaper. " +
        "Warranties last twenty five years.",
    },
  ]);
  const place = locate("Panel prices fell by eighty percent in ten years.", layout.pages);
  assert.deepEqual(place, { page: 2, box: { x0: 56, y0: 90, x1: 400, y1: 101 } });
  assert.equal(locate("Nothing in common whatsoever here.", layout.pages), undefined);
});

Deno.test("right-to-left lines from the bbox layout are put back in reading order", () => {
  assert.deepEqual(logicalOrder([".سمشلا", "ءوض", "ىلع"]), ["على", "ضوء", "الشمس."]);
  assert.deepEqual(logicalOrder(["Solar", "2025"]), ["Solar", "2025"]);
});

Deno.test("captions: caption-sized cues with word timestamps, chapters, and proportional word times", () => {
  const words = proportionalWordTimes(["Solar", "panels", "work."], 2);
  assert.equal(words[0].start, 0.1);
  assert.equal(words.at(-1)!.end, 1.9);
  assert.ok(words[1].start === words[0].end && words[1].end > words[1].start);
  const long = Array.from(
    { length: 20 },
    (_, index) => ({ word: `word${index}`, start: index, end: index + 1 }),
  );
  const cues = cuesForSentence(long);
  assert.ok(cues.length > 1 && cues.every((cue) => cue.text.length <= 55));
  assert.equal(
    webVtt([{
      start: 0,
      end: 1.5,
      text: "A <b>",
      words: [{ word: "A", start: 0, end: 0.5 }, { word: "<b>", start: 0.5, end: 1.5 }],
    }]),
    "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\nA <00:00:00.500>&lt;b&gt;\n",
  );
  assert.equal(
    chaptersVtt([{ start: 0, end: 2, title: "Intro" }, { start: 2, end: 9.25, title: "Costs" }]),
    "WEBVTT\n\nchapter-1\n00:00:00.000 --> 00:00:02.000\nIntro\n\nchapter-2\n00:00:02.000 --> 00:00:09.250\nCosts\n",
  );
});

Deno.test("the ASS text layer: karaoke timing per word, escaped document text, right-to-left marks", () => {
  const theme = { fontName: "DejaVu Sans", accent: "ffc857", rightToLeft: false };
  const captions = captionsScript(theme, [{
    start: 1,
    end: 2,
    text: "Hi there",
    words: [{ word: "Hi", start: 1.2, end: 1.5 }, { word: "there", start: 1.5, end: 2 }],
  }]);
  assert.match(
    captions,
    /Dialogue: 1,0:00:01\.00,0:00:02\.00,Caption,,0,0,0,,\{\\k20\}\{\\k30\}Hi \{\\k50\}there/,
  );
  assert.equal(escapeAss("a {\\b1} b\\N"), "a (∖b1) b∖N");
  const strap = sceneTextScript({ ...theme, rightToLeft: true }, {
    kind: "lowerThird",
    title: "1 قسم",
    points: [],
  });
  assert.match(strap, /\\an9\\pos\(1216,\d+\)\}\u200f1 قسم/);
});

Deno.test("the camera pans across the focus lines and stays inside the page", () => {
  const image = { path: "page.png", width: 1600, height: 2000 };
  assert.deepEqual(panPath(image, { x0: 100, y0: 300, x1: 1500, y1: 400 }), { x: 160, y0: 260, y1: 300 });
  const tall = panPath(image, { x0: 100, y0: 300, x1: 1500, y1: 1400 });
  assert.ok(tall.y1 > tall.y0 + 500);
  assert.deepEqual(panPath({ path: "p.png", width: 1280, height: 400 }), { x: 0, y0: 0, y1: 0 });
});

Deno.test("a tool that outlives its time limit is killed and reported as a timeout", async () => {
  const started = performance.now();
  await assert.rejects(() => runTool("sleep", ["5"], { timeoutMs: 200 }), ToolTimeoutError);
  assert.ok(performance.now() - started < 3000);
});

Deno.test("word error rate: edit distance over reference words, case and punctuation ignored", () => {
  assert.equal(wordErrorRate("The cat sat.", "the cat sat"), 0);
  assert.equal(wordErrorRate("the cat sat on the mat", "the bat sat the mat now"), 3 / 6);
});
