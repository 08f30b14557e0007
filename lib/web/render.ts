/**
 * Server-side rendering of a page inside `_app` and the `_layout`s above it, followed by the boot
 * script and the URL map of exactly the islands this render used.
 */
import { type ComponentType, h } from "preact";
import { renderToString } from "preact-render-to-string";
import type { AssetManifest } from "./assets.ts";
import { fallbackStylesheet, scriptSafeJson } from "./assets.ts";
import { collectIslands } from "./islands.ts";
import type { AnyComponent, AnyVNode, AppProps, LayoutModule, PageProps } from "./manifest.ts";

export interface PageShell {
  app: ComponentType<AppProps>;
  /** Outermost first. */
  layouts: LayoutModule["default"][];
  assets: AssetManifest | null;
}

export function renderPage<Data>(
  shell: PageShell,
  page: ComponentType<PageProps<Data>>,
  props: PageProps<Data>,
  title: string,
): string {
  const { result: html, islands } = collectIslands(() => {
    const Page = (): AnyVNode => h(page as AnyComponent, props);
    const wrapped = shell.layouts.reduceRight<() => AnyVNode>(
      (Inner, Layout) => () => h(Layout as AnyComponent, { Component: Inner, url: props.url }),
      Page,
    );
    return renderToString(
      h(shell.app as AnyComponent, {
        Component: wrapped,
        title,
        url: props.url,
        nonce: props.nonce,
        stylesheet: shell.assets?.stylesheet ?? fallbackStylesheet,
      }),
    );
  });
  return "<!DOCTYPE html>" + injectIslandScripts(html, islands, shell.assets, props.nonce);
}

function injectIslandScripts(
  html: string,
  islands: Set<string>,
  assets: AssetManifest | null,
  nonce: string,
): string {
  if (islands.size === 0 || !assets) return html;
  const urls = Object.fromEntries(
    [...islands].filter((name) => assets.islands[name]).map((name) => [name, assets.islands[name]]),
  );
  const preloads = Object.values(urls).map((url) => `<link rel="modulepreload" href="${url}">`).join("");
  const scripts =
    `${preloads}<script type="application/json" id="kiln-islands" nonce="${nonce}">${
      scriptSafeJson(urls)
    }</script>` +
    `<script type="module" src="${assets.boot}" nonce="${nonce}"></script>`;
  const end = html.lastIndexOf("</body>");
  return end === -1 ? html + scripts : html.slice(0, end) + scripts + html.slice(end);
}
