/**
 * The batch page in a real browser: it shows progress, follows the batch live over SSE until
 * DONE, and shows a thumbnail per converted file — at phone and desktop widths, with no CSP errors.
 */
import assert from "node:assert/strict";
import { browserHarness } from "../support/browser.ts";
import { chromiumTool } from "../support/system_tools.ts";
import { encodeTiff } from "./tiff_fixtures.ts";

const chromiumPath = chromiumTool();

Deno.test({
  name: "the batch page follows a batch live to DONE and shows thumbnails",
  ignore: chromiumPath.ignore,
  async fn() {
    await using harness = await browserHarness(chromiumPath.path, {
      PREPROCESS_WORKERS: "2",
      PREPROCESS_RETRY_DELAYS_MS: "200",
      MAX_RETRY_ATTEMPTS: "20",
    });
    const { kiln } = harness;
    const files = [];
    const tiff = await encodeTiff({
      pages: [{ width: 160, height: 120, colour: "rgb", compression: "lzw" }],
    });
    for (let index = 0; index < 5; index++) {
      const key = `staging/page/scan-${index}.tif`;
      if (index > 0) await kiln.services.blobs.put(key, tiff);
      files.push({ r2_key: key, file_name: `scan-${index}.tif`, file_size: tiff.length });
    }
    const accepted =
      await (await kiln.request("/preprocess/batches", { json: { batch_id: "page", files }, admin: true }))
        .json();
    const page = await harness.newPage();
    const scriptErrors: string[] = [];
    page.on("console", (message) => message.type() === "error" && scriptErrors.push(message.text()));
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(
      `${harness.baseUrl}${new URL(accepted.page_url).pathname}${new URL(accepted.page_url).search}`,
    );
    await page.waitForSelector('kiln-island[data-island="PreprocessProgress"][data-hydrated="true"]', {
      state: "attached",
      timeout: 5_000,
    });
    assert.equal(await page.locator('[data-testid="batch-status"]').textContent(), "TIFF_CONVERSION");

    // The missing file lands; the page moves to DONE by itself.
    await kiln.services.blobs.put("staging/page/scan-0.tif", tiff);
    await page.waitForSelector('[data-testid="batch-status"]:text("DONE")', { timeout: 15_000 });
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="thumbnails"] img').length === 5,
      null,
      {
        timeout: 10_000,
      },
    );
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll<HTMLImageElement>('[data-testid="thumbnails"] img')].every((image) =>
          image.complete && image.naturalWidth === 160
        ),
      null,
      { timeout: 10_000 },
    );
    assert.match(
      await page.locator('[data-testid="batch-counts"]').textContent() ?? "",
      /5 converted, 0 failed/,
    );
    const screenshots = Deno.env.get("KILN_SCREENSHOT_DIR");
    if (screenshots) await page.screenshot({ path: `${screenshots}/preprocess-phone.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    if (screenshots) await page.screenshot({ path: `${screenshots}/preprocess-desktop.png`, fullPage: true });
    assert.deepEqual(scriptErrors, [], "no console errors (CSP violations show up here)");
  },
});
