/**
 * The pages the layout test visits, with data that stresses a narrow screen: a restaurant session
 * with long dish names, big prices, an Arabic exchange, a long URL and code; a financial session; a
 * preprocessing batch with a failed file; and each admin page.
 */
import { testAdminToken, type TestKiln } from "../support/kiln.ts";
import { waitFor } from "../support/wait.ts";

export interface LayoutPage {
  name: string;
  path: string;
  /** A selector that is present once the page has finished loading its data. */
  ready?: string;
  /** Visit without the admin session (every other page is visited signed in). */
  signedOut?: boolean;
}

const longName = "Slow-roasted heritage tomato and burrata tartine with basil oil";
const arabic = "أريد طلب بيتزا كبيرة مع جبنة إضافية وزيتون أسود، والتوصيل إلى شارع الملك فهد من فضلك";

function restaurantUpdates() {
  const items = [
    {
      name: longName,
      quantity: 12,
      unitPriceMinor: 1_234_567,
      notes: "No onions, extra basil oil on the side",
    },
    { name: "Tiramisu", quantity: 1, unitPriceMinor: 750 },
  ];
  return [
    { type: "transcription", data: { text: arabic, speaker: "user", isFinal: true } },
    {
      type: "transcription",
      data: { text: "Of course — one large pizza.", speaker: "assistant", isFinal: true },
    },
    {
      type: "dish_card",
      data: { name: longName, price: 123456.78, description: arabic, tags: ["vegetarian"] },
    },
    {
      type: "menu_section",
      data: { title: "Starters", items: [{ name: longName, priceMinor: 99_999_999 }] },
    },
    {
      type: "order_summary",
      data: { items, subtotalMinor: 14_815_554, taxMinor: 1_222_283, totalMinor: 16_037_837 },
    },
    {
      type: "webpage",
      data: {
        url:
          "https://example.com/a/very/long/path/that/never/breaks/by/itself?with=query&and=more-parameters",
        title: "Allergen information",
      },
    },
    {
      type: "snippet",
      data: { title: "Order JSON", language: "json", code: `{"orderId":"${"X".repeat(120)}"}` },
    },
    {
      type: "address_verification",
      data: { address: "Flat 12, 1234 Extraordinarily-Long-Street-Name Road, Springfield", verified: true },
    },
    { type: "order_confirmed", data: { orderId: "XGM35PLF", totalMinor: 16_037_837, etaMinutes: 40 } },
  ];
}

async function displaySession(kiln: TestKiln, tenantId: string, category: string, updates: unknown[]) {
  const service = { authorization: `Bearer ${kiln.services.config.values.DISPLAY_SERVICE_TOKEN}` };
  const init = await kiln.request("/conversation/new/init", {
    json: { tenantId, category },
    headers: service,
  });
  if (init.status !== 201) throw new Error(`init failed: ${init.status} ${await init.text()}`);
  const { sessionId, displayUrl } = await init.json();
  const batch = await kiln.request(`/conversation/${sessionId}/batch`, {
    json: { updates },
    headers: service,
  });
  if (!batch.ok) throw new Error(`batch failed: ${batch.status} ${await batch.text()}`);
  const url = new URL(displayUrl);
  return url.pathname + url.search;
}

async function failedBatch(kiln: TestKiln, tiff: Uint8Array): Promise<string> {
  await kiln.services.blobs.put("staging/layout/a-scan-with-a-rather-long-file-name-0001.tif", tiff);
  const files = [0, 1].map((index) => ({
    r2_key: `staging/layout/a-scan-with-a-rather-long-file-name-000${index + 1}.tif`,
    file_name: `a-scan-with-a-rather-long-file-name-000${index + 1}.tif`,
    file_size: tiff.length,
  }));
  files[1].r2_key = "staging/layout/missing.tif";
  const response = await kiln.request("/preprocess/batches", {
    json: { batch_id: "layout", files },
    admin: true,
  });
  const { page_url } = await response.json();
  await waitFor("the layout batch to finish", async () => {
    const status = await (await kiln.request("/preprocess/status/layout", { admin: true })).json();
    return status.status === "DONE";
  }, 15_000);
  const url = new URL(page_url);
  return url.pathname + url.search;
}

export async function layoutPages(kiln: TestKiln, tiff: Uint8Array): Promise<LayoutPage[]> {
  const restaurant = await displaySession(kiln, "layout-bistro", "restaurant", restaurantUpdates());
  const financial = await displaySession(kiln, "layout-advisory", "financial", [
    {
      type: "advice_card",
      data: { title: "Rebalance towards bonds", body: arabic, points: [longName], risk: "high" },
    },
    { type: "transcription", data: { text: "Should I rebalance?", speaker: "user", isFinal: true } },
  ]);
  const batch = await failedBatch(kiln, tiff);
  await seedAccounts(kiln);
  const ready = 'kiln-island[data-hydrated="true"]';
  return [
    { name: "home", path: "/" },
    { name: "docs", path: "/docs" },
    { name: "docs-voice", path: "/docs/voice" },
    { name: "conversation-intro", path: "/ui/conversation" },
    { name: "conversation-restaurant", path: restaurant, ready },
    { name: "conversation-financial", path: financial, ready },
    { name: "conversation-denied", path: "/ui/conversation?session=nope&token=nope" },
    { name: "order-by-voice", path: "/ui/restaurant", ready },
    { name: "doc-to-video", path: "/doc-to-video", ready },
    { name: "transcription", path: "/ui/transcription", ready },
    { name: "preprocess-batch", path: batch, ready },
    { name: "preprocess-batch-without-token", path: "/preprocess/layout", signedOut: true },
    { name: "preprocess-signed-out", path: "/preprocess", signedOut: true },
    { name: "preprocess-upload", path: "/preprocess", ready },
    { name: "admin-sign-in", path: "/admin/login", signedOut: true },
    { name: "admin-overview", path: "/admin", ready: '[data-testid="admin-overview"] .banner' },
    { name: "admin-jobs", path: "/admin/jobs", ready: '[data-testid="count-failed"] strong:not(:text("…"))' },
    { name: "admin-credits", path: "/admin/credits", ready: '[data-testid="accounts"] tbody tr' },
    { name: "admin-batches", path: "/admin/batches", ready: "[data-batch-id]" },
    { name: "admin-services", path: "/admin/services", ready: "[data-check]" },
    { name: "admin-sessions", path: "/admin/sessions", ready: '[data-testid="admin-sessions"] tbody tr' },
    { name: "not-found", path: "/no/such/page" },
  ];
}

/** An admin console session cookie for the browser context. */
export async function signInCookie(kiln: TestKiln, baseUrl: string) {
  const signedIn = await kiln.services.adminSessions.signIn(testAdminToken);
  const value = /^kiln_admin=([^;]+)/.exec(signedIn!.setCookie)![1];
  return { name: "kiln_admin", value, url: baseUrl };
}

/** Gives the credits page an account with a long id and a ledger. */
export async function seedAccounts(kiln: TestKiln): Promise<void> {
  await kiln.request("/v1/credits/add", {
    json: { userId: "someone.with.a.very.long.address@example-company.example.com", amount: 1_000_000 },
    admin: true,
  });
}
