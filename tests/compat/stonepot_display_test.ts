/**
 * Stonepot's producers against Kiln, only the base URL and token changed: every recorded call of
 * its DisplayApiClient (and the callers' shapes) is a 2xx, and every update shows in Chromium with
 * the right text and the tenant's currency (₹ for an Indian restaurant), live and after a reload.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserHarness } from "../support/browser.ts";
import { chromiumTool } from "../support/system_tools.ts";
import { waitFor } from "../support/wait.ts";
import { asThemeAdmin, conversationEnv, serviceToken } from "../conversation/_helpers.ts";
import { defaultThemes } from "../../lib/themes/schema.ts";
import { fakeImageCdn, loadCalls, send, type StonepotCall } from "./_stonepot.ts";

const chromiumPath = chromiumTool();
/** Stonepot's own session id format: `session_${Date.now()}_${random}`. */
const sessionId = "session_1736935800000_k3j9x2lq1";

/** What the page shows for the update a call produced (its card, or its transcript bubble). */
async function shownFor(page: Page, seq: number, call: StonepotCall): Promise<string> {
  const selector = call.transcript
    ? `[data-testid="transcript"][data-seq="${seq}"]`
    : `.conv-card[data-seq="${seq}"]`;
  return await page.locator(selector).innerText();
}

async function assertEveryUpdateShown(page: Page, posted: { seq: number; call: StonepotCall }[]) {
  for (const { seq, call } of posted) {
    const text = await shownFor(page, seq, call);
    for (const expected of [...(call.shows ?? []), ...(call.transcript ? [call.transcript] : [])]) {
      assert.ok(text.includes(expected), `${call.name}: "${expected}" not in ${JSON.stringify(text)}`);
    }
    if (text.includes("The cart is empty")) assert.fail(`${call.name}: its items were dropped`);
    if (call.image) {
      const image = page.locator(`.conv-card[data-seq="${seq}"] img.conv-dish-image`);
      assert.equal(await image.getAttribute("src"), call.image, call.name);
      assert.equal(await image.getAttribute("loading"), "lazy");
      assert.ok(
        Number(await image.getAttribute("width")) > 0 && Number(await image.getAttribute("height")) > 0,
      );
    }
    if (call.link) {
      const link = page.locator(`.conv-card[data-seq="${seq}"] a.conv-action-link`);
      assert.equal(await link.getAttribute("href"), call.link, call.name);
    }
  }
}

Deno.test({
  name: "Stonepot's display calls are all accepted and every update renders with the tenant's currency",
  ignore: chromiumPath.ignore,
  async fn() {
    await using cdn = fakeImageCdn();
    await using harness = await browserHarness(chromiumPath.path, conversationEnv);
    const { kiln, baseUrl } = harness;
    const { tenant, calls } = await loadCalls("stonepot_display_calls", { sessionId, imageBase: cdn.base });
    // The tenant's currency comes from its menu (an Indian restaurant prices in rupees).
    const menu = await kiln.request(`/api/restaurant/tenants/${tenant.tenantId}/menu`, {
      method: "PUT",
      json: { currency: tenant.currency, items: [{ id: "pandi", name: "Pandi Curry", priceMinor: 34_900 }] },
      headers: asThemeAdmin,
    });
    assert.equal(menu.status, 200, await menu.clone().text());

    const [init, ...rest] = calls;
    const initialised = await send(kiln, init, serviceToken);
    assert.equal(initialised.status, 201, await initialised.clone().text());
    const session = await initialised.json();
    assert.equal(session.success, true, "DisplayApiClient logs data.success");
    assert.equal(session.currency, "INR");

    const page = await harness.newPage();
    const errors: string[] = [];
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    const display = new URL(session.displayUrl);
    await page.goto(`${baseUrl}${display.pathname}${display.search}`);
    await page.waitForSelector('[data-testid="connection"]:text("Live")', { timeout: 5_000 });

    const posted: { seq: number; call: StonepotCall }[] = [];
    for (const call of rest) {
      const response = await send(kiln, call, serviceToken);
      assert.ok(response.ok, `${call.name}: ${response.status} ${await response.clone().text()}`);
      const body = await response.json();
      if (call.method === "GET") {
        assert.equal(body.sessionId, sessionId);
        assert.equal(body.tenantId, tenant.tenantId);
        assert.equal(body.displayUpdates.length, posted.filter((entry) => !entry.call.transcript).length);
        assert.equal(body.transcriptions.length, 2);
        assert.equal(body.currentOrder.items[0].dishName, "Pandi Curry");
        continue;
      }
      assert.equal(body.success, true, call.name);
      posted.push({ seq: body.seq, call });
    }
    assert.equal(posted.length + 2, calls.length, "every call but init and state posted an update");

    const lastSeq = posted.at(-1)!.seq;
    await page.waitForSelector(`[data-testid="conversation"][data-seq="${lastSeq}"]`, { timeout: 5_000 });
    await assertEveryUpdateShown(page, posted);
    assert.equal(await page.locator(".conv-card").filter({ hasText: "$" }).count(), 0, "no dollar prices");
    await waitFor(
      "the dish images to load from the CDN",
      async () =>
        await page.locator("img.conv-dish-image").evaluateAll((images) =>
            images.every((image) => (image as HTMLImageElement).naturalWidth > 0)
          )
          ? true
          : undefined,
    );

    // The server render shows the same after a reload.
    await page.reload();
    await page.waitForSelector(`[data-testid="conversation"][data-seq="${lastSeq}"]`);
    await assertEveryUpdateShown(page, posted);
    assert.deepEqual(errors, []);
    const screenshots = Deno.env.get("KILN_SCREENSHOT_DIR");
    if (screenshots) {
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await page.screenshot({ path: `${screenshots}/stonepot-display-${width}.png`, fullPage: true });
      }
    }
  },
});

Deno.test({
  name:
    "Stonepot's advice card shows its content, icon and action link; the tenant's theme sets the currency",
  ignore: chromiumPath.ignore,
  async fn() {
    await using harness = await browserHarness(chromiumPath.path, conversationEnv);
    const { kiln, baseUrl } = harness;
    const { tenant, calls } = await loadCalls("stonepot_advice_calls", { sessionId, imageBase: "" });
    const theme = await kiln.request(`/api/themes/${tenant.tenantId}`, {
      method: "PUT",
      json: { ...defaultThemes.financial, name: "Sahamati", currency: tenant.currency },
      headers: asThemeAdmin,
    });
    assert.equal(theme.status, 200, await theme.clone().text());
    const [init, advice] = calls;
    const session = await (await send(kiln, init, serviceToken)).json();
    assert.equal(session.currency, "INR", "a tenant without a menu takes its theme's currency");
    const posted = await (await send(kiln, advice, serviceToken)).json();
    assert.equal(posted.update.data.body, (advice.body as { data: { content: string } }).data.content);

    const page = await harness.newPage();
    const display = new URL(session.displayUrl);
    await page.goto(`${baseUrl}${display.pathname}${display.search}`);
    await page.waitForSelector(`.conv-card[data-seq="${posted.seq}"]`);
    await assertEveryUpdateShown(page, [{ seq: posted.seq, call: advice }]);
    assert.equal(await page.locator(".conv-icon").innerText(), "🛟");
  },
});
