/** Pages mark islands with their props, load only hashed bundles, and assets carry cache headers. */
import assert from "node:assert/strict";
import { testKiln } from "../support/kiln.ts";

Deno.test("an island is server-rendered inside a marker carrying its JSON props", async () => {
  await using kiln = await testKiln();
  const html = await (await kiln.request("/")).text();
  assert.match(html, /<kiln-island data-island="JobDemo" data-props="\{&quot;steps&quot;:5\}">/);
  assert.match(
    html,
    /<button class="button" type="button">Run a sample job<\/button>/,
    "SSR renders the island's markup",
  );
  const map = /<script type="application\/json" id="kiln-islands"[^>]*>(.*?)<\/script>/.exec(html)?.[1];
  assert.ok(map, "the page lists the island bundles it needs");
  assert.deepEqual(Object.keys(JSON.parse(map)), ["JobDemo"]);
  assert.match(JSON.parse(map).JobDemo, /^\/static\/_build\/islands\/JobDemo-[0-9a-f]{12}\.js$/);
});

Deno.test("hashed build assets are immutable; other static files are cached briefly", async () => {
  await using kiln = await testKiln();
  const html = await (await kiln.request("/")).text();
  const boot = /<script type="module" src="([^"]+)"/.exec(html)![1];
  const script = await kiln.request(boot);
  assert.equal(script.status, 200);
  assert.equal(script.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.match(script.headers.get("content-type") ?? "", /javascript/);
  await script.body?.cancel();
  const icon = await kiln.request("/static/favicon.svg");
  assert.equal(icon.headers.get("cache-control"), "public, max-age=3600");
  await icon.body?.cancel();
  const missing = await kiln.request("/static/_build/islands/Nope-000000000000.js");
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
});
