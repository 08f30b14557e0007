/** The checker behind architecture_test.ts, on tiny graphs: each rule fails when it should. */
import assert from "node:assert/strict";
import {
  findCycles,
  formatEdges,
  type Graph,
  importSpecifiers,
  internalsEdges,
  type Layers,
  platformToDomainEdges,
  unclassified,
  upwardEdges,
} from "./import_graph.ts";

const layers: Layers = {
  platform: ["lib/http/", "lib/services.ts"],
  modules: [{ home: "lib/shop/", owns: ["lib/cart/", "workers/shop_worker.ts"] }, { home: "lib/mail/" }],
  browser: ["islands/"],
  top: ["routes/", "main.ts"],
};

/** `{ "a.ts": ["b.ts", "type:c.ts"] }` → a graph (`type:` marks a type-only import). */
function graphOf(spec: Record<string, string[]>): Graph {
  return new Map(
    Object.entries(spec).map(([from, targets]) => [
      from,
      targets.map((target) => ({ path: target.replace(/^type:/, ""), typeOnly: target.startsWith("type:") })),
    ]),
  );
}

Deno.test("import specifiers: relative ones, type-only marked, comments and packages ignored", () => {
  const source = [
    '/** Quoting `import { x } from "./quoted.ts"` in a doc comment does not count. */',
    'import { z } from "zod";',
    'import type { A } from "./a.ts";',
    'import { type B, c } from "../b.ts";',
    'import {\n  type D,\n  type E,\n} from "./d.ts";',
    'export { f } from "./f.ts";',
    'export type { G } from "./g.ts";',
    'import "./side_effect.ts";',
    'const lazy = await import("./lazy.ts");',
  ].join("\n");
  assert.deepEqual(importSpecifiers(source), [
    { specifier: "./a.ts", typeOnly: true },
    { specifier: "../b.ts", typeOnly: false },
    { specifier: "./d.ts", typeOnly: true },
    { specifier: "./f.ts", typeOnly: false },
    { specifier: "./g.ts", typeOnly: true },
    { specifier: "./side_effect.ts", typeOnly: false },
    { specifier: "./lazy.ts", typeOnly: false },
  ]);
});

Deno.test("a cycle is found and shown as the closed path of its edges", () => {
  const graph = graphOf({
    "lib/a.ts": ["lib/b.ts"],
    "lib/b.ts": ["lib/c.ts"],
    "lib/c.ts": ["lib/a.ts", "lib/d.ts"],
    "lib/d.ts": [],
    "lib/self.ts": ["lib/self.ts"],
  });
  assert.deepEqual(findCycles(graph), [
    ["lib/a.ts", "lib/b.ts", "lib/c.ts", "lib/a.ts"],
    ["lib/self.ts", "lib/self.ts"],
  ]);
});

Deno.test("a cycle closed only by a type import is a cycle too; an acyclic graph has none", () => {
  assert.deepEqual(findCycles(graphOf({ "lib/a.ts": ["lib/b.ts"], "lib/b.ts": ["type:lib/a.ts"] })), [
    ["lib/a.ts", "lib/b.ts", "lib/a.ts"],
  ]);
  assert.deepEqual(
    findCycles(graphOf({ "lib/a.ts": ["lib/b.ts", "lib/c.ts"], "lib/b.ts": ["lib/c.ts"] })),
    [],
  );
});

Deno.test("platform importing any file of a module (type-only too) is an offending edge", () => {
  const graph = graphOf({
    "lib/services.ts": ["type:lib/shop/mod.ts", "lib/http/route.ts"],
    "lib/http/route.ts": ["lib/cart/cart.ts"],
    "lib/shop/mod.ts": ["lib/http/route.ts"],
  });
  assert.deepEqual(platformToDomainEdges(graph, layers), [
    { from: "lib/services.ts", to: "lib/shop/mod.ts" },
    { from: "lib/http/route.ts", to: "lib/cart/cart.ts" },
  ]);
  assert.equal(
    formatEdges(platformToDomainEdges(graph, layers)),
    "  lib/services.ts → lib/shop/mod.ts\n  lib/http/route.ts → lib/cart/cart.ts",
  );
});

Deno.test("outside a module only its mod.ts is imported (client.ts from browser code)", () => {
  const graph = graphOf({
    "routes/shop.ts": ["lib/shop/mod.ts", "lib/shop/prices.ts", "lib/cart/cart.ts"],
    "lib/mail/send.ts": ["lib/shop/mod.ts", "lib/shop/orders.ts"],
    "lib/shop/mod.ts": ["lib/cart/cart.ts", "lib/mail/mod.ts"],
    "workers/shop_worker.ts": ["lib/shop/convert.ts"],
    "islands/Cart.tsx": ["lib/shop/client.ts", "lib/shop/mod.ts"],
  });
  assert.deepEqual(internalsEdges(graph, layers), [
    { from: "routes/shop.ts", to: "lib/shop/prices.ts" },
    { from: "routes/shop.ts", to: "lib/cart/cart.ts" },
    { from: "lib/mail/send.ts", to: "lib/shop/orders.ts" },
    { from: "islands/Cart.tsx", to: "lib/shop/mod.ts" },
  ]);
});

Deno.test("an import of a route or the composition root from below them points back up", () => {
  const graph = graphOf({
    "main.ts": ["routes/shop.ts", "lib/http/route.ts"],
    "routes/shop.ts": ["lib/shop/mod.ts", "routes/_shared.ts"],
    "lib/http/route.ts": ["type:main.ts"],
    "islands/Cart.tsx": ["routes/shop.ts"],
  });
  assert.deepEqual(upwardEdges(graph, layers), [
    { from: "lib/http/route.ts", to: "main.ts" },
    { from: "islands/Cart.tsx", to: "routes/shop.ts" },
  ]);
});

Deno.test("a lib file that is neither platform nor module is reported", () => {
  const graph = graphOf({
    "lib/http/route.ts": [],
    "lib/shop/mod.ts": [],
    "lib/stray.ts": [],
    "routes/x.ts": [],
  });
  assert.deepEqual(unclassified(graph, layers), ["lib/stray.ts"]);
});
