/** Operations routes: health, metrics, the generated OpenAPI document and the docs page. */
import { testBackend } from "../support/backend.ts";
import assert from "node:assert/strict";
import { testKiln } from "../support/kiln.ts";

Deno.test("/health reports liveness, version, config booleans and dependency state", async () => {
  await using kiln = await testKiln();
  const response = await kiln.request("/health");
  assert.equal(response.status, 200);
  const health = await response.json();
  assert.equal(health.status, "ok");
  assert.equal(health.version, kiln.services.config.version);
  assert.equal(health.config.kvInMemory, testBackend === "kv");
  assert.equal(health.config.backend, testBackend);
  assert.equal(health.checks.kv.state, "ok");
  assert.deepEqual(Object.keys(health.checks.jobs).sort(), ["failed", "queued", "running", "state"]);
  assert.equal(health.checks.live.state, "ok");
  assert.doesNotMatch(JSON.stringify(health), new RegExp(kiln.services.config.adminToken!));
});

Deno.test("/health is 503 when a required dependency is down", async () => {
  await using kiln = await testKiln();
  kiln.services.health.register("database", () => Promise.reject(new Error("connection refused")));
  const response = await kiln.request("/health");
  assert.equal(response.status, 503);
  const health = await response.json();
  assert.equal(health.status, "down");
  assert.equal(health.checks.database.error, "connection refused");
});

Deno.test("/metrics counts requests by route pattern and reports jobs and live clients", async () => {
  await using kiln = await testKiln();
  await (await kiln.request("/api/jobs/aaaaaaaaaaaaaaaaaaaaaaaaaa")).body?.cancel();
  await (await kiln.request("/api/jobs/bbbbbbbbbbbbbbbbbbbbbbbbbb")).body?.cancel();
  const text = await (await kiln.request("/metrics")).text();
  assert.match(text, /kiln_http_requests_total\{method="GET",route="\/api\/jobs\/:id",status="404"\} 2/);
  assert.match(
    text,
    /kiln_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/jobs\/:id"\}/,
  );
  assert.match(text, /kiln_jobs\{status="queued"\} 0/);
  assert.match(text, /kiln_live_subscribers 0/);
});

Deno.test("/openapi.json is generated from the route schemas", async () => {
  await using kiln = await testKiln();
  const document = await (await kiln.request("/openapi.json")).json();
  assert.equal(document.openapi, "3.1.0");
  const demo = document.paths["/api/demo/jobs"].post;
  assert.equal(demo.requestBody.content["application/json"].schema.properties.steps.maximum, 10);
  assert.deepEqual(document.paths["/api/admin/jobs"].get.security, [{ admin: [] }]);
  assert.deepEqual(
    document.paths["/api/jobs/{id}"].get.security,
    [{ admin: [] }, {}],
    "id holders need no credentials",
  );
  assert.equal(document.paths["/api/jobs/{id}"].get.parameters[0].name, "id");
  assert.ok(document.components.schemas.Problem);
});

Deno.test("/docs renders the API reference as a page without scripts", async () => {
  await using kiln = await testKiln();
  const response = await kiln.request("/docs");
  assert.equal(response.status, 200);
  const html = await response.text();
  assert.match(html, /<code[^>]*>\/api\/demo\/jobs<\/code>/);
  assert.match(html, /id="tag-jobs"/);
  assert.doesNotMatch(html, /<script/);
});
