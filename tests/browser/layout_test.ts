/**
 * Every page at phone widths (360 and 390 px) in light and dark: nothing scrolls sideways
 * (`scrollWidth <= innerWidth`). Pages are filled with the longest content a user can produce —
 * long names and prices, Arabic, URLs, code — and the admin pages are visited signed in. Each page
 * loads once; width and colour scheme change in place (as when a phone rotates or the system
 * switches to dark). With KILN_SCREENSHOT_DIR set, full-page screenshots are written there, also
 * at 1280 and 1920 px.
 */
import assert from "node:assert/strict";
import { browserHarness } from "../support/browser.ts";
import { chromiumTool } from "../support/system_tools.ts";
import { encodeTiff } from "../preprocess/tiff_fixtures.ts";
import { layoutPages, signInCookie } from "./layout_fixtures.ts";

const chromiumPath = chromiumTool();
const schemes = ["light", "dark"] as const;

Deno.test({
  name: "no page scrolls sideways at 360 or 390 px, in light or dark",
  ignore: chromiumPath.ignore,
  async fn() {
    await using harness = await browserHarness(chromiumPath.path, {
      DISPLAY_SERVICE_TOKEN: "layout-display-service-token-0123456789abcdef",
      PREPROCESS_WORKERS: "1",
      MAX_RETRY_ATTEMPTS: "1",
    });
    const tiff = await encodeTiff({ pages: [{ width: 64, height: 48, colour: "rgb", compression: "none" }] });
    const pages = await layoutPages(harness.kiln, tiff);
    const cookie = await signInCookie(harness.kiln, harness.baseUrl);
    const screenshots = Deno.env.get("KILN_SCREENSHOT_DIR");
    const widths = screenshots ? [360, 390, 1280, 1920] : [360, 390];

    const context = await harness.browser.newContext({ viewport: { width: widths[0], height: 800 } });
    await context.addCookies([cookie]);
    const page = await context.newPage();
    const overflowing: string[] = [];
    for (const { name, path, ready, signedOut } of pages) {
      if (signedOut) await context.clearCookies();
      await page.emulateMedia({ colorScheme: "light" });
      await page.setViewportSize({ width: widths[0], height: 800 });
      await page.goto(`${harness.baseUrl}${path}`);
      if (ready) await page.waitForSelector(ready, { state: "attached", timeout: 10_000 });
      for (const scheme of schemes) {
        await page.emulateMedia({ colorScheme: scheme });
        for (const width of widths) {
          await page.setViewportSize({ width, height: 800 });
          const { scrollWidth, innerWidth } = await page.evaluate(() => ({
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: globalThis.innerWidth,
          }));
          if (width <= 390 && scrollWidth > innerWidth) {
            overflowing.push(`${name} at ${width} px (${scheme}): scrollWidth ${scrollWidth}`);
          }
          if (screenshots) {
            await page.screenshot({ path: `${screenshots}/${name}-${width}-${scheme}.png`, fullPage: true });
          }
        }
      }
      if (signedOut) await context.addCookies([cookie]);
    }
    await context.close();
    assert.deepEqual(overflowing, [], "pages that scroll sideways");
  },
});
