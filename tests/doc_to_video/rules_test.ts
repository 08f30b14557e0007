import assert from "node:assert/strict";
import { sweepExpiredWork } from "../../lib/doc_to_video/cleanup.ts";
import { validateDocumentText } from "../../lib/doc_to_video/document_text.ts";
import { blobKeys } from "../../lib/doc_to_video/keys.ts";
import { checkScript, detectLanguage } from "../../lib/doc_to_video/script_rules.ts";
import { summariseSections } from "../../lib/doc_to_video/summariser.ts";
import { checkSections, keyPointOf, scriptText } from "../../lib/doc_to_video/sections.ts";
import { parseSections } from "../../lib/doc_to_video/script_writer.ts";
import { PermanentJobError } from "../../lib/jobs/types.ts";
import { testKiln } from "../support/kiln.ts";
import { arabicText, englishParagraphs, englishPdf } from "./pdfs.ts";
import { finished, submitOk } from "./helpers.ts";

Deno.test("document text checks: ≥ 50 characters and ≥ 30 % letters or digits, Arabic and accents pass", () => {
  const fail = (text: string, code: string) =>
    assert.throws(
      () => validateDocumentText({ text, pages: 1, truncated: false }),
      (error) => error instanceof PermanentJobError && error.code === code,
    );
  fail("", "pdf_scanned");
  fail("Too short.", "pdf_too_little_text");
  fail("#### ---- $$$$ %%%% ^^^^ &&&& **** (((( )))) ____ ++++ ==== ~~~~ |||| a1", "pdf_gibberish");
  validateDocumentText({ text: arabicText[0] + arabicText[1], pages: 1, truncated: false });
  validateDocumentText({
    text: "Café crème brûlée, déjà vu à Zürich — naïve façade résumé, ½ ﬁnal".repeat(2),
    pages: 1,
    truncated: false,
  });
});

Deno.test("script rules are language-aware: en 50–400 words at 150 wpm, ar 40–320 at 120 wpm", () => {
  assert.equal(detectLanguage(arabicText.join(" ")), "ar");
  assert.equal(detectLanguage(englishParagraphs.join(" ")), "en");
  const words = (count: number, word = "word") => Array.from({ length: count }, () => word).join(" ");
  assert.equal(checkScript(words(49), "en").valid, false);
  assert.deepEqual(
    { ...checkScript(words(150), "en"), problem: undefined },
    { valid: true, language: "en", words: 150, estimatedSeconds: 60, problem: undefined },
  );
  assert.equal(checkScript(words(401), "en").valid, false);
  assert.equal(checkScript(words(45, "كلمة"), "ar").valid, true);
  assert.equal(checkScript(words(321, "كلمة"), "ar").valid, false);
  assert.match(checkScript(words(350, "extraordinarily"), "en").problem!, /characters/);
});

Deno.test("the offline summariser writes valid sectioned scripts in the document's language and category", () => {
  const english = summariseSections([{ text: englishParagraphs.join("\n") }], "en", "summarize", 120);
  assert.ok(checkSections(english, "en").valid, checkSections(english, "en").problem);
  assert.ok(english.length >= 2, "a long untitled text is cut into sections");
  assert.match(scriptText(english), /^Here is a short summary/);
  for (const section of english) assert.ok(section.title.length > 0 && section.keyPoints.length <= 3);
  const arabic = summariseSections([{ text: arabicText.join("\n") }], "ar", "explanation", 160);
  assert.ok(checkSections(arabic, "ar").valid, checkSections(arabic, "ar").problem);
  assert.match(scriptText(arabic), /^دعوني أشرح/);
});

Deno.test("the summariser keeps the document's headings as section titles, in reading order, with pages", () => {
  const parts = [
    {
      title: "Costs",
      page: 2,
      text: "Panels cost less every year. Prices fell by eighty percent in ten years.",
    },
    {
      title: "Outlook",
      page: 3,
      text: "Solar could lead the world within ten years. Panels get cheaper and better.",
    },
  ];
  const sections = summariseSections(parts, "en", "summarize", 60);
  assert.deepEqual(sections.map((section) => [section.title, section.page]), [["Costs", 2], ["Outlook", 3]]);
  assert.match(sections[1].text, /That is the essence of the document\.$/);
});

Deno.test("LLM answers become sections: headings with page citations, key points, and a fallback for plain prose", () => {
  const answer =
    "## How panels work [p. 2]\nLight frees electrons. The current flows.\n- Light frees electrons\n" +
    "- Twenty percent efficiency\n\n## **Costs** [page 3]\nPrices fell fast.\n- Prices fell";
  assert.deepEqual(parseSections(answer), [
    {
      title: "How panels work",
      text: "Light frees electrons. The current flows.",
      keyPoints: ["Light frees electrons", "Twenty percent efficiency"],
      page: 2,
    },
    { title: "Costs", text: "Prices fell fast.", keyPoints: ["Prices fell"], page: 3 },
  ]);
  const plain = parseSections("One sentence here. Two sentences here. Three here now. Four here now. Five.");
  assert.ok(plain.length >= 2 && plain.every((section) => section.title && section.text));
  assert.equal(
    keyPointOf("Modern panels convert about twenty percent of the sunlight, which is a lot."),
    "Modern panels convert about twenty percent",
  );
});

Deno.test("files expire with their job: the sweep deletes a finished job's blobs after 30 minutes", async () => {
  await using kiln = await testKiln({ DOC_TO_VIDEO_FFMPEG: "/nonexistent/ffmpeg" });
  const accepted = await submitOk(kiln, await englishPdf());
  const view = await finished(kiln, accepted.job_id);
  const { blobs, kv, jobs, log } = kiln.services;
  const keys = async () => {
    const found: string[] = [];
    for await (const blob of blobs.list("doc-to-video/")) found.push(blob.key);
    return found;
  };
  assert.ok((await keys()).some((key) => key.endsWith("/document.pdf")));
  assert.equal(await sweepExpiredWork({ kv, blobs, jobs, log }), 0);
  assert.equal(await sweepExpiredWork({ kv, blobs, jobs, log }, view.finished_at! + 31 * 60 * 1000), 1);
  assert.deepEqual(await keys(), []);
  assert.equal(blobKeys.document("x"), "doc-to-video/x/document.pdf");
});
