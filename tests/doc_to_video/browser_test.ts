/**
 * The page in Chromium: pick a PDF, watch live progress, reload mid-job and resume from the
 * localStorage banner, then play the finished video. The script writer waits at a gate so the
 * reload reliably lands while the job is unfinished.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { type BrowserHarness, browserHarness } from "../support/browser.ts";
import { chromiumTool, systemTool } from "../support/system_tools.ts";
import { fakeOpenRouter } from "../providers/fake_openrouter.ts";
import { englishPdf } from "./pdfs.ts";
import { reportPdf } from "./report_pdf.ts";

const chromiumPath = chromiumTool();
const install = "apt-get install -y ffmpeg espeak-ng flite poppler-utils fonts-dejavu-core";
const ffmpeg = systemTool("ffmpeg", ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"], install);
const espeak = systemTool("espeak-ng", ["/usr/bin/espeak-ng", "/usr/local/bin/espeak-ng"], install);

/** The doc-to-video page, hydrated, with console errors collected (CSP violations show up there). */
async function openPage(harness: BrowserHarness) {
  const page = await harness.newPage();
  const scriptErrors: string[] = [];
  page.on("console", (message) => message.type() === "error" && scriptErrors.push(message.text()));
  await page.goto(`${harness.baseUrl}/doc-to-video`);
  await page.waitForSelector('kiln-island[data-island="DocToVideo"][data-hydrated="true"]', {
    state: "attached",
    timeout: 5_000,
  });
  return { page, scriptErrors };
}

Deno.test({
  name: "upload, watch progress, reload mid-job, resume, and the video plays",
  ignore: chromiumPath.ignore || ffmpeg.ignore || espeak.ignore,
  async fn() {
    await using openRouter = fakeOpenRouter();
    let release!: () => void;
    openRouter.gate = new Promise((resolve) => release = resolve);
    await using harness = await browserHarness(chromiumPath.path, {
      OPENROUTER_API_KEY: "test-openrouter-key",
      OPENROUTER_BASE_URL: openRouter.url,
      DOC_TO_VIDEO_FFMPEG: ffmpeg.path,
      DOC_TO_VIDEO_ESPEAK: espeak.path,
    });
    try {
      const { page, scriptErrors } = await openPage(harness);
      // Client-side check: a text file is refused before any upload.
      await page.setInputFiles("#dtv-file", {
        name: "notes.txt",
        mimeType: "text/plain",
        buffer: Buffer.from("not a pdf"),
      });
      await page.waitForSelector('[data-testid="dtv-problem"]:text("notes.txt is not a PDF.")');

      await page.setInputFiles("#dtv-file", {
        name: "solar.pdf",
        mimeType: "application/pdf",
        buffer: Buffer.from(await englishPdf()),
      });
      await page.getByRole("button", { name: "Make the video" }).click();
      await page.waitForSelector('[data-testid="dtv-step"]:text("Writing the script")', { timeout: 10_000 });
      assert.match(await page.locator('[data-testid="dtv-timing"]').innerText(), /20% · elapsed/);

      await page.reload();
      await page.waitForSelector('[data-testid="dtv-resume"]', { timeout: 5_000 });
      assert.match(await page.locator('[data-testid="dtv-resume"]').innerText(), /solar\.pdf/);
      const screenshots = Deno.env.get("KILN_SCREENSHOT_DIR");
      if (screenshots) {
        await page.screenshot({ path: `${screenshots}/doc-to-video-resume.png`, fullPage: true });
      }
      await page.getByRole("button", { name: "Resume" }).click();
      await page.waitForSelector('[data-testid="dtv-step"]:text("Writing the script")');
      release();
      await page.waitForSelector('[data-testid="dtv-script"]', { timeout: 10_000 });
      await page.waitForSelector('[data-testid="dtv-status"]:text("succeeded")', { timeout: 120_000 });
      await page.waitForFunction(
        () =>
          (document.querySelector('[data-testid="dtv-video"]') as HTMLVideoElement | null)?.readyState! >= 2,
        undefined,
        { timeout: 10_000 },
      );
      assert.equal(await page.locator('a:text("Download video")').count(), 1);
      assert.match(await page.locator('[data-testid="dtv-history"]').innerText(), /succeeded\s+solar\.pdf/);

      if (screenshots) {
        await page.screenshot({ path: `${screenshots}/doc-to-video-desktop.png`, fullPage: true });
        await page.setViewportSize({ width: 390, height: 844 });
        await page.screenshot({ path: `${screenshots}/doc-to-video-phone.png`, fullPage: true });
      }
      assert.deepEqual(scriptErrors, [], "no console errors (CSP violations show up here)");
    } finally {
      release();
    }
  },
});

Deno.test({
  name: "review in the browser: upload with review, edit and reorder the script, confirm, play with chapters",
  ignore: chromiumPath.ignore || ffmpeg.ignore || espeak.ignore,
  async fn() {
    await using harness = await browserHarness(chromiumPath.path, {
      DOC_TO_VIDEO_FFMPEG: ffmpeg.path,
      DOC_TO_VIDEO_ESPEAK: espeak.path,
    });
    const { page, scriptErrors } = await openPage(harness);
    // Without keys the presenter and model choices are disabled and say why.
    assert.equal(await page.locator('[data-testid="dtv-avatar"]').isDisabled(), true);
    assert.match(await page.locator('[data-testid="dtv-avatar-why"]').innerText(), /DID_API_KEY/);
    assert.match(await page.locator('[data-testid="dtv-model-why"]').innerText(), /OPENROUTER_API_KEY/);
    assert.equal(await page.locator('[data-testid="dtv-voice"]').isDisabled(), false);

    await page.setInputFiles("#dtv-file", {
      name: "report.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from(await reportPdf()),
    });
    await page.check('[data-testid="dtv-review"]');
    await page.getByRole("button", { name: "Make the video" }).click();
    await page.waitForSelector('[data-testid="dtv-editor"]', { timeout: 60_000 });
    assert.equal(await page.locator('[data-testid="dtv-section"]').count(), 4);
    assert.match(await page.locator('[data-testid="dtv-status"]').innerText(), /awaiting review/);

    // Delete the introduction, move the outlook up one place, rename it.
    await page.getByRole("button", { name: "Delete section 1" }).click();
    await page.getByRole("button", { name: "Move section 3 up" }).click();
    const titles = page.locator('[data-testid="dtv-section"] input');
    assert.equal(await titles.nth(1).inputValue(), "The road ahead");
    await titles.nth(1).fill("Where solar is going");
    const total = await page.locator('[data-testid="dtv-editor-total"]').innerText();
    assert.match(total, /\d+ words/);

    await page.getByRole("button", { name: "Confirm the script and make the video" }).click();
    await page.waitForSelector('[data-testid="dtv-status"]:text("succeeded")', { timeout: 180_000 });
    await page.waitForSelector('[data-testid="dtv-chapters"]', { timeout: 10_000 });
    const chapters = await page.locator('[data-testid="dtv-chapters"] button').allInnerTexts();
    assert.deepEqual(chapters.map((chapter) => chapter.replace(/^\d+:\d\d\s*/, "")), [
      "The State of Solar Energy",
      "How panels work",
      "Where solar is going",
      "Costs and savings",
    ]);
    assert.ok(await page.locator('[data-testid="dtv-video"]').getAttribute("poster"));
    // A chapter button seeks the player to its start.
    await page.waitForFunction(
      () =>
        (document.querySelector('[data-testid="dtv-video"]') as HTMLVideoElement | null)?.readyState! >= 1,
      undefined,
      { timeout: 10_000 },
    );
    await page.locator('[data-testid="dtv-chapters"] button').nth(2).click();
    const position = await page.evaluate(() =>
      (document.querySelector('[data-testid="dtv-video"]') as HTMLVideoElement).currentTime
    );
    assert.ok(position > 1, `seeked to ${position}`);
    const screenshots = Deno.env.get("KILN_SCREENSHOT_DIR");
    if (screenshots) {
      await page.screenshot({ path: `${screenshots}/doc-to-video-reviewed.png`, fullPage: true });
    }
    assert.deepEqual(scriptErrors, [], "no console errors (CSP violations show up here)");
  },
});
