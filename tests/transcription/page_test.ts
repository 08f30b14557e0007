/** The status page in a real browser: it shows the health document's figures, at phone and desktop widths. */
import assert from "node:assert/strict";
import { browserHarness } from "../support/browser.ts";
import { chromiumTool } from "../support/system_tools.ts";
import { engineSecret } from "./_helpers.ts";

const chromiumPath = chromiumTool();

Deno.test({
  name: "the transcription page shows readiness, activity and configuration without console errors",
  ignore: chromiumPath.ignore,
  async fn() {
    await using harness = await browserHarness(chromiumPath.path, { TTT_SHARED_SECRET: engineSecret });
    const page = await harness.newPage();
    const scriptErrors: string[] = [];
    page.on("console", (message) => message.type() === "error" && scriptErrors.push(message.text()));
    const health = await (await fetch(`${harness.baseUrl}/tttranscribe/health`)).json();
    for (const [name, width] of [["phone", 390], ["desktop", 1280]] as const) {
      await page.setViewportSize({ width, height: 900 });
      const response = await page.goto(`${harness.baseUrl}/ui/transcription`);
      assert.equal(response?.status(), 200);
      await page.getByRole("heading", { name: "Transcription service" }).waitFor({ timeout: 5_000 });
      const status = await page.getByRole("status").textContent();
      assert.match(status ?? "", health.status === "healthy" ? /Ready/ : /Degraded/);
      assert.match(await page.locator("body").textContent() ?? "", /0 % hit rate/);
      assert.equal(await page.locator("th code", { hasText: "hasAuthSecret" }).count(), 1);
      const overflow = await page.evaluate(() =>
        document.documentElement.scrollWidth - globalThis.innerWidth
      );
      assert.ok(overflow <= 0, `${name}: the page scrolls sideways by ${overflow}px`);
      const screenshots = Deno.env.get("KILN_SCREENSHOT_DIR");
      if (screenshots) {
        await page.screenshot({ path: `${screenshots}/transcription-${name}.png`, fullPage: true });
      }
    }
    assert.deepEqual(scriptErrors, [], "no console errors (CSP violations show up here)");
  },
});
