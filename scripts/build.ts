/** `deno task build`: regenerates fresh.gen.ts and the hashed browser bundles. */
import { bundleAssets } from "./bundle.ts";
import { writeManifest } from "./manifest.ts";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const changed = await writeManifest(root);
const started = performance.now();
const assets = await bundleAssets(root);
console.log(JSON.stringify({
  event: "build_finished",
  manifestChanged: changed,
  islands: Object.keys(assets.islands),
  durationMs: Math.round(performance.now() - started),
}));
