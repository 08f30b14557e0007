import assert from "node:assert/strict";
import { generateManifest, manifestFile } from "../../scripts/manifest.ts";
import { compareRoutePatterns, routePattern } from "../../lib/web/manifest.ts";

const root = new URL("../..", import.meta.url).pathname;

Deno.test("fresh.gen.ts is up to date with routes/ and islands/ (run `deno task build`)", async () => {
  const committed = await Deno.readTextFile(`${root}/${manifestFile}`);
  assert.equal(
    committed,
    await generateManifest(root),
    "fresh.gen.ts is stale: run `deno task build` and commit it",
  );
});

Deno.test("route files map to URL patterns like Fresh", () => {
  assert.equal(routePattern("./routes/index.tsx"), "/");
  assert.equal(routePattern("./routes/a/[id].ts"), "/a/:id");
  assert.equal(routePattern("./routes/api/jobs/[id]/events.ts"), "/api/jobs/:id/events");
  assert.equal(routePattern("./routes/(marketing)/about.tsx"), "/about");
  assert.equal(routePattern("./routes/blobs/[...key].ts"), "/blobs/*");
  assert.equal(routePattern("./routes/openapi.json.ts"), "/openapi.json");
  assert.equal(routePattern("./routes/_app.tsx"), null);
  assert.equal(routePattern("./routes/docs/_layout.tsx"), null);
});

Deno.test("static segments take precedence over parameters and catch-alls", () => {
  const sorted = ["/a/*", "/a/:id", "/a/new"].sort(compareRoutePatterns);
  assert.deepEqual(sorted, ["/a/new", "/a/:id", "/a/*"]);
});
