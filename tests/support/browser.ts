/**
 * Real-browser tests: Debian chromium driven by playwright-core against a Kiln served on a free
 * loopback port in this process.
 */
import { type Browser, chromium, type Page } from "playwright-core";
import type { TestKiln } from "./kiln.ts";
import { testKiln } from "./kiln.ts";

export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
];

export interface BrowserHarness extends AsyncDisposable {
  browser: Browser;
  kiln: TestKiln;
  baseUrl: string;
  newPage(): Promise<Page>;
}

/**
 * Serves a fresh test Kiln on 127.0.0.1 and launches chromium (with `args` added, e.g. a fake
 * microphone); dispose closes both.
 */
export async function browserHarness(
  executablePath: string,
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<BrowserHarness> {
  const kiln = await testKiln(env);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request, info) => kiln.app.fetch(request, info),
  );
  const baseUrl = `http://127.0.0.1:${server.addr.port}`;
  const browser = await chromium.launch({ executablePath, args: [...chromiumArgs, ...args] });
  const pages: Page[] = [];
  return {
    browser,
    kiln,
    baseUrl,
    async newPage() {
      const page = await browser.newPage();
      pages.push(page);
      page.on("pageerror", (error) => console.error(`browser page error: ${error.message}`));
      return page;
    },
    async [Symbol.asyncDispose]() {
      for (const page of pages) await page.close().catch(() => {});
      await browser.close();
      await kiln[Symbol.asyncDispose]();
    },
  };
}
