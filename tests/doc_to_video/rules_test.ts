import assert from "node:assert/strict";
import { sweepExpiredWork } from "../../lib/doc_to_video/cleanup.ts";
import { validateDocumentText } from "../../lib/doc_to_video/document_text.ts";
import { blobKeys } from "../../lib/doc_to_video/keys.ts";
import { checkScript, detectLanguage } from "../../lib/doc_to_video/script_rules.ts";
import { summarise } from "../../lib/doc_to_video/summariser.ts";
import { PermanentJobError } from "../../lib/jobs/types.ts";
import { webVtt, wrapLines } from "../../lib/media/slideshow.ts";
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

Deno.test("the offline summariser writes valid scripts in the document's language and category", () => {
  const english = summarise(englishParagraphs.join("\n"), "en", "summarize", 120);
  assert.ok(checkScript(english, "en").valid, checkScript(english, "en").problem);
  assert.match(english, /^Here is a short summary/);
  const arabic = summarise(arabicText.join("\n"), "ar", "explanation", 160);
  assert.ok(checkScript(arabic, "ar").valid, checkScript(arabic, "ar").problem);
  assert.match(arabic, /^دعوني أشرح/);
});

Deno.test("slides wrap by characters and captions are WebVTT from the running sum of durations", () => {
  assert.deepEqual(wrapLines("one two three four five", 9), ["one two", "three", "four five"]);
  assert.equal(
    webVtt(["Hello.", "World."], [1.25, 2]),
    "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.250\nHello.\n\n2\n00:00:01.250 --> 00:00:03.250\nWorld.\n",
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
