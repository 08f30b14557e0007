/**
 * The "Order by voice" page in Chromium with a fake microphone playing a spoken order: the order
 * appears on the page's display, the assistant's reply audio arrives, and typing works too — at
 * phone and desktop widths.
 */
import assert from "node:assert/strict";
import { browserHarness } from "../support/browser.ts";
import { chromiumTool } from "../support/system_tools.ts";
import { conversationEnv } from "../conversation/_helpers.ts";
import { encodeWav } from "../../lib/media/wav.ts";
import { concatPcm } from "../../lib/voice/audio/pcm.ts";
import { silence, speak, voices } from "./corpus.ts";
import { speechTools } from "./_helpers.ts";

const chromium = chromiumTool();
const tools = speechTools();

Deno.test({
  name: "speaking into the page's microphone puts the order on its display and plays the reply",
  ignore: chromium.ignore || tools.ignore,
}, async () => {
  const wav = await Deno.makeTempFile({ prefix: "kiln-mic-", suffix: ".wav" });
  const spoken = concatPcm(
    silence(1_500),
    await speak("two garlic naan and one dal makhani", voices[0]),
    silence(6_000),
  );
  await Deno.writeFile(wav, encodeWav(spoken, 16_000));
  await using harness = await browserHarness(chromium.path, conversationEnv, [
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    `--use-file-for-fake-audio-capture=${wav}`,
    "--autoplay-policy=no-user-gesture-required",
  ]);
  try {
    const page = await harness.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${harness.baseUrl}/ui/restaurant`);
    await page.click("button.voice-mic");
    await page.waitForSelector("[data-testid=voice-order][data-status=ready]");
    const added = page.locator(".conv-card", { hasText: "Dal makhani" }).first();
    await added.waitFor({ timeout: 30_000 });
    await page.locator(".conv-transcript", { hasText: "two garlic naan and one dal makhani" }).waitFor();
    await page.waitForFunction(
      () =>
        Number(document.querySelector("[data-testid=voice-order]")?.getAttribute("data-audio-bytes")) >
          48_000,
      undefined,
      { timeout: 20_000 },
    );
    await page.screenshot({ path: `${Deno.env.get("TMPDIR") ?? "/tmp"}/kiln-voice-page-1280.png` });

    // The same session from the server's side: the cart holds what was said.
    const sessionId = await page.evaluate(() =>
      JSON.parse(sessionStorage.getItem("kiln-voice:demo-curry-house")!).sessionId
    );
    const response = await harness.kiln.request(`/api/restaurant/sessions/${sessionId}`, {
      headers: { authorization: `Bearer ${conversationEnv.DISPLAY_SERVICE_TOKEN}` },
    });
    const cart = (await response.json()).cart.map((
      line: { itemId: string; quantity: number },
    ) => [line.itemId, line.quantity]);
    assert.deepEqual(cart.slice(0, 2), [["garlic-naan", 2], ["dal-makhani", 1]]);
  } finally {
    await Deno.remove(wav);
  }
});

Deno.test({
  name: "on a phone-sized screen, typing an order works and the display follows",
  ignore: chromium.ignore,
}, async () => {
  await using harness = await browserHarness(chromium.path, { ...conversationEnv, VOICE_TTS: "none" });
  const page = await harness.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${harness.baseUrl}/ui/restaurant`);
  await page.fill("#voice-text", "three mango lassi please");
  await page.click(".voice-type button");
  await page.locator(".conv-card", { hasText: "Mango lassi" }).first().waitFor();
  await page.locator(".voice-reply", { hasText: "Added 3 mango lassi. Anything else?" }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - globalThis.innerWidth);
  assert.equal(overflow, 0, "nothing wider than the phone");
  await page.screenshot({
    path: `${Deno.env.get("TMPDIR") ?? "/tmp"}/kiln-voice-page-390.png`,
    fullPage: true,
  });

  // A reload keeps the session: the same order is still on screen.
  await page.reload();
  await page.locator(".conv-card", { hasText: "Mango lassi" }).first().waitFor();
  await page.waitForSelector("[data-testid=voice-order][data-status=ready]");
});
