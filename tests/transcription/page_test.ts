/**
 * The transcription studio in Chromium: drop a recording, watch the stages go by over SSE, read the
 * transcript, find it again in "Recent transcriptions" after a reload, and download it. With the
 * recogniser's segment timings (a fixture result in the API's shape, served in place of the real
 * status), each line's timestamp and each word seek the audio player.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserHarness } from "../support/browser.ts";
import { chromiumTool } from "../support/system_tools.ts";
import { ffmpegTool, goForwardRaw, pocketsphinxTool, wavFromPcm } from "./_helpers.ts";
import { goForwardTimings } from "./timed_fixture.ts";

const chromiumPath = chromiumTool();
const ignore = chromiumPath.ignore || pocketsphinxTool().ignore || ffmpegTool().ignore;

/** A Kiln, a browser page and a folder holding go-forward.wav, for one test. */
async function withStudio(fn: (page: Page, baseUrl: string, folder: string) => Promise<void>) {
  await using harness = await browserHarness(chromiumPath.path);
  const folder = await Deno.makeTempDir({ prefix: "kiln-studio-" });
  try {
    await Deno.writeFile(`${folder}/go-forward.wav`, wavFromPcm(await Deno.readFile(goForwardRaw)));
    await fn(await harness.newPage(), harness.baseUrl, folder);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
}

async function uploadRecording(page: Page, baseUrl: string, folder: string): Promise<string> {
  await page.goto(`${baseUrl}/ui/transcription`);
  await page.waitForSelector('kiln-island[data-island="TranscriptionStudio"][data-hydrated="true"]', {
    state: "attached",
  });
  await page.setInputFiles("#studio-file", `${folder}/go-forward.wav`);
  const posted = page.waitForResponse((response) => response.url().endsWith("/api/transcription"));
  await page.getByRole("button", { name: "Transcribe" }).click();
  return (await (await posted).json()).id;
}

Deno.test({
  name: "studio: upload a recording, follow it live, read, find it again and download the transcript",
  ignore,
  fn: () =>
    withStudio(async (page, baseUrl, folder) => {
      const scriptErrors: string[] = [];
      page.on("console", (message) => message.type() === "error" && scriptErrors.push(message.text()));
      const steps: string[] = [];
      const id = await uploadRecording(page, baseUrl, folder);
      await page.getByTestId("studio-progress").waitFor({ timeout: 5_000 });
      steps.push(await page.getByTestId("studio-step").textContent() ?? "");
      const result = page.getByTestId("studio-result");
      await result.waitFor({ timeout: 30_000 });
      assert.match(await page.getByTestId("studio-segments").textContent() ?? "", /go forward ten meters/);
      assert.match(await result.textContent() ?? "", /go-forward\.wav/);
      assert.ok(steps[0].length > 0, "a live step was shown while it ran");

      await page.reload();
      const recent = page.getByTestId("studio-recent");
      await recent.getByRole("button", { name: "go-forward.wav" }).click();
      await page.getByTestId("studio-result").waitFor();
      assert.match(
        await page.getByTestId("studio-result").textContent() ?? "",
        /Choose the file again to play along/,
      );
      const txt = await page.request.get(`${baseUrl}/api/transcription/${id}/transcript/txt`);
      assert.match(await txt.text(), /go forward ten meters/);
      assert.deepEqual(scriptErrors, [], "no console errors (CSP violations show up here)");
    }),
});

Deno.test({
  name: "studio: with segment and word timings, clicking a timestamp or a word seeks the player",
  ignore,
  fn: () =>
    withStudio(async (page, baseUrl, folder) => {
      await page.setViewportSize({ width: 390, height: 844 });
      // The status document as the recogniser's timings make it (fixture: the API's shape).
      await page.route(/\/api\/transcription\/[a-z0-9]+$/, async (route) => {
        const response = await route.fetch();
        const status = await response.json();
        if (status.result) status.result = { ...status.result, ...goForwardTimings };
        await route.fulfill({ response, json: status });
      });
      await uploadRecording(page, baseUrl, folder);
      const segments = page.getByTestId("studio-segments");
      await segments.getByRole("button", { name: "Play from 0:01" }).waitFor({ timeout: 30_000 });
      assert.deepEqual(await segments.locator(".studio-stamp").allTextContents(), ["0:00", "0:01"]);
      await page.waitForFunction(() => (document.querySelector("audio") as HTMLAudioElement).readyState >= 1);
      await segments.getByRole("button", { name: "forward" }).click();
      await page.waitForFunction(() =>
        (document.querySelector("audio") as HTMLAudioElement).currentTime >= 0.45
      );
      await segments.getByRole("button", { name: "Play from 0:01" }).click();
      await page.waitForFunction(() =>
        (document.querySelector("audio") as HTMLAudioElement).currentTime >= 1.4
      );
      await page.locator('.studio-segments li[aria-current="true"]', { hasText: "ten meters" }).waitFor();
      const overflow = await page.evaluate(() =>
        document.documentElement.scrollWidth - globalThis.innerWidth
      );
      assert.ok(overflow <= 0, `the studio scrolls sideways by ${overflow}px`);
    }),
});
