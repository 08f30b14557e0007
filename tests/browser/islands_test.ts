/**
 * Islands in a real browser: the home page's JobDemo island hydrates, reacts to a click by starting
 * a job, and shows the job's progress events as they are published over SSE.
 */
import assert from "node:assert/strict";
import { browserHarness } from "../support/browser.ts";
import { chromiumTool } from "../support/system_tools.ts";

const chromiumPath = chromiumTool();

Deno.test({
  name: "an island hydrates, reacts to a click and shows SSE events live",
  ignore: chromiumPath.ignore,
  async fn() {
    await using harness = await browserHarness(chromiumPath.path);
    const page = await harness.newPage();
    const scriptErrors: string[] = [];
    page.on("console", (message) => message.type() === "error" && scriptErrors.push(message.text()));
    await page.goto(`${harness.baseUrl}/`);
    // kiln-island is `display: contents`, so it is attached but never "visible" itself.
    await page.waitForSelector('kiln-island[data-island="JobDemo"][data-hydrated="true"]', {
      state: "attached",
      timeout: 5_000,
    });
    await page.getByRole("button", { name: "Run a sample job" }).click();
    await page.waitForSelector('[data-testid="job-status"]:text("succeeded")', { timeout: 10_000 });
    const steps = await page.locator('[data-testid="job-steps"] li').allTextContents();
    assert.ok(steps.length >= 3, `expected live steps, saw ${JSON.stringify(steps)}`);
    assert.equal(await page.locator("#job-demo-progress").getAttribute("value"), "100");
    const screenshots = Deno.env.get("KILN_SCREENSHOT_DIR");
    if (screenshots) await page.screenshot({ path: `${screenshots}/home.png`, fullPage: true });
    assert.deepEqual(scriptErrors, [], "no console errors (CSP violations show up here)");
  },
});

Deno.test({
  name: "the sample job survives a reload: the page reconnects and replays the steps it missed",
  ignore: chromiumPath.ignore,
  async fn() {
    await using harness = await browserHarness(chromiumPath.path);
    const page = await harness.newPage();
    await page.goto(`${harness.baseUrl}/`);
    await page.waitForSelector('kiln-island[data-island="JobDemo"][data-hydrated="true"]', {
      state: "attached",
    });
    await page.getByRole("button", { name: "Run a sample job" }).click();
    await page.locator('[data-testid="job-steps"] li').first().waitFor();
    await page.reload();
    await page.waitForSelector('kiln-island[data-island="JobDemo"][data-hydrated="true"]', {
      state: "attached",
    });
    // Straight after the reload the page shows the same job again, not a fresh "Run" button.
    await page.locator('[data-testid="job-status"]').waitFor({ timeout: 5_000 });
    await page.waitForSelector('[data-testid="job-status"]:text("succeeded")', { timeout: 10_000 });
    assert.deepEqual(await page.locator('[data-testid="job-steps"] li').allTextContents(), [
      "Warming the kiln",
      "Loading the job",
      "Shaping the work",
      "Firing",
      "Glazing",
    ]);
    // A finished job is shown as finished after another reload, without a stream.
    await page.reload();
    await page.waitForSelector('[data-testid="job-status"]:text("succeeded")', { timeout: 5_000 });
  },
});

Deno.test({
  name: "a page loads only the islands it uses and stays under the JavaScript budget",
  ignore: chromiumPath.ignore,
  async fn() {
    await using harness = await browserHarness(chromiumPath.path);
    const page = await harness.newPage();
    const scripts: string[] = [];
    page.on(
      "response",
      (response) =>
        response.request().resourceType() === "script" && scripts.push(new URL(response.url()).pathname),
    );
    await page.goto(`${harness.baseUrl}/docs`);
    await page.waitForLoadState("networkidle");
    assert.deepEqual(scripts, [], "the docs page has no islands and loads no JavaScript");
  },
});
