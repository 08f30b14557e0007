/**
 * The house rules, held by the import graph of the whole app (lib/, routes/, islands/, components/,
 * workers/, main.ts, modules.ts, fresh.config.ts): no import cycle, type imports included; the platform never
 * imports a domain module; nothing outside a module reaches past its `mod.ts` (browser code: its
 * `client.ts`); nothing below the routes imports them or the composition root. A failure names
 * every offending import. The rules are in README "Modules and the platform".
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  findCycles,
  formatEdges,
  internalsEdges,
  type Layers,
  platformToDomainEdges,
  readImportGraph,
  unclassified,
  upwardEdges,
} from "./import_graph.ts";

/** Every lib/ entry is listed here: platform (domain-free) or a domain module. */
export const layers: Layers = {
  platform: [
    "lib/admin/",
    "lib/blobs/",
    "lib/contain/",
    "lib/demo/",
    "lib/http/",
    "lib/jobs/",
    "lib/live/",
    "lib/media/",
    "lib/net/",
    "lib/providers/",
    "lib/store/",
    "lib/web/",
    "lib/webhooks/",
    "lib/config.ts",
    "lib/config_schemas.ts",
    "lib/errors.ts",
    "lib/health.ts",
    "lib/hmac.ts",
    "lib/ids.ts",
    "lib/log.ts",
    "lib/metrics.ts",
    "lib/openapi.ts",
    "lib/openapi_errors.ts",
    "lib/scheduler.ts",
    "lib/secrets.ts",
    "lib/services.ts",
    "lib/sleep.ts",
  ],
  modules: [
    { home: "lib/conversation/", owns: ["lib/restaurant/", "lib/themes/"] },
    { home: "lib/doc_to_video/", owns: ["workers/pdf_text.ts"] },
    { home: "lib/engine/" },
    { home: "lib/preprocess/", owns: ["workers/tiff_to_jpeg.ts"] },
    { home: "lib/transcription/" },
    { home: "lib/voice/" },
  ],
  browser: ["islands/", "components/"],
  top: ["routes/", "main.ts", "modules.ts", "fresh.config.ts"],
};

const root = fileURLToPath(new URL("../../", import.meta.url));
const graph = await readImportGraph(root, [
  "lib",
  "routes",
  "islands",
  "components",
  "workers",
  "main.ts",
  "modules.ts",
  "fresh.config.ts",
]);

Deno.test("the import graph was read (every route and module file is in it)", () => {
  assert.ok(graph.size > 300, `only ${graph.size} files read`);
  assert.ok(graph.has("lib/engine/mod.ts") && graph.has("routes/v1/credits/balance.ts"));
});

Deno.test("no file imports itself back, not even through a type import (no import cycle)", () => {
  const cycles = findCycles(graph);
  assert.deepEqual(
    cycles,
    [],
    `import cycles:\n${cycles.map((cycle) => `  ${cycle.join(" → ")}`).join("\n")}`,
  );
});

Deno.test("the platform never imports a domain module", () => {
  const offending = platformToDomainEdges(graph, layers);
  assert.deepEqual(offending, [], `platform → domain imports:\n${formatEdges(offending)}`);
});

Deno.test("nothing outside a module imports past its mod.ts (browser code: its client.ts)", () => {
  const offending = internalsEdges(graph, layers);
  assert.deepEqual(offending, [], `imports of a module's internals:\n${formatEdges(offending)}`);
});

Deno.test("lib/, islands/ and components/ never import a route or the composition root", () => {
  const offending = upwardEdges(graph, layers);
  assert.deepEqual(offending, [], `imports pointing back up:\n${formatEdges(offending)}`);
});

Deno.test("every file under lib/ is classified as platform or a domain module", () => {
  const loose = unclassified(graph, layers);
  assert.deepEqual(
    loose,
    [],
    `add these to the platform list or a module in this test:\n  ${loose.join("\n  ")}`,
  );
});
