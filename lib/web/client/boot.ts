/**
 * The browser boot script: hydrates each `<kiln-island>` the server rendered, loading only the
 * bundles of islands present on this page (their URLs come from the page's JSON map).
 */
import { h, hydrate } from "preact";

const map = document.getElementById("kiln-islands");
const urls: Record<string, string> = map ? JSON.parse(map.textContent ?? "{}") : {};

for (const element of document.querySelectorAll<HTMLElement>("kiln-island")) {
  const name = element.dataset.island ?? "";
  const url = urls[name];
  if (!url) continue;
  const props = JSON.parse(element.dataset.props ?? "{}");
  import(url).then((module) => {
    hydrate(h(module.default, props), element);
    element.dataset.hydrated = "true";
  }).catch((error) => console.error(`island ${name} failed to load`, error));
}
