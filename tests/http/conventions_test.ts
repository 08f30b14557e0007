/**
 * The HTTP conventions every route inherits, exercised through the full middleware stack:
 * each error status with its problem+json shape and headers, request ids, security headers and
 * CORS. Test-only routes are added to the real manifest to drive the route layer directly.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import manifest from "../../fresh.gen.ts";
import { loadConfig } from "../../fresh.config.ts";
import { createKiln } from "../../main.ts";
import { KilnError } from "../../lib/errors.ts";
import { define } from "../../lib/http/route.ts";
import { silentLogger } from "../../lib/log.ts";
import type { Manifest } from "../../lib/web/manifest.ts";
import { testAdminToken, testKiln } from "../support/kiln.ts";

let executions = 0;
const testManifest: Manifest = {
  islands: manifest.islands,
  routes: {
    ...manifest.routes,
    "./routes/test/orders.ts": {
      handler: {
        POST: define.post({
          summary: "test: create an order",
          body: z.object({ item: z.string().min(1), quantity: z.number().int().positive() }),
          bodyLimit: 2_048,
          idempotent: true,
          handle({ body }) {
            executions++;
            return { status: 201, json: { id: crypto.randomUUID(), ...body } };
          },
        }),
      },
    },
    "./routes/test/boom.ts": {
      handler: {
        GET: define.get({
          summary: "test: throws",
          handle() {
            throw new Error("database password is hunter2");
          },
        }),
        POST: define.post({
          summary: "test: domain error",
          handle() {
            throw new KilnError("payment_required", "insufficient_credits", "Not enough credits.", {
              details: { required: 3 },
            });
          },
        }),
      },
    },
  },
};

async function kilnWithTestRoutes(env: Record<string, string> = {}) {
  const config = loadConfig({
    KILN_KV_PATH: ":memory:",
    KILN_ADMIN_TOKEN: testAdminToken,
    KILN_ACCESS_LOG: "false",
    KILN_SHUTDOWN_GRACE_MS: "0",
    ...env,
  });
  const kiln = await createKiln(config, { log: silentLogger, manifest: testManifest });
  return Object.assign(kiln, { [Symbol.asyncDispose]: () => kiln.close() });
}

async function problem(response: Response, status: number, code: string) {
  assert.equal(response.status, status, `expected ${status} ${code}, got ${response.status}`);
  assert.equal(response.headers.get("content-type"), "application/problem+json");
  const body = await response.json();
  assert.equal(body.code, code);
  assert.equal(body.status, status);
  assert.equal(typeof body.detail, "string");
  assert.equal(body.requestId, response.headers.get("x-request-id"));
  return body;
}

Deno.test("malformed JSON is a 400 problem", async () => {
  await using kiln = await testKiln();
  const response = await kiln.request("/api/demo/jobs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{nope",
  });
  await problem(response, 400, "malformed_json");
});

Deno.test("an unknown URL is a 404 problem for APIs and a page for browsers", async () => {
  await using kiln = await testKiln();
  await problem(await kiln.request("/api/nothing-here"), 404, "not_found");
  const page = await kiln.request("/nothing-here", { headers: { accept: "text/html" } });
  assert.equal(page.status, 404);
  assert.match(await page.text(), /There is nothing at this address/);
});

Deno.test("a wrong method is a 405 problem with Allow", async () => {
  await using kiln = await testKiln();
  const response = await kiln.request("/api/demo/jobs", { method: "GET" });
  await problem(response, 405, "method_not_allowed");
  assert.equal(response.headers.get("allow"), "POST");
  assert.equal((await kiln.request("/health", { method: "DELETE" })).headers.get("allow"), "GET, HEAD");
});

Deno.test("a body over the route's limit is a 413, refused by Content-Length or while streaming", async () => {
  await using kiln = await kilnWithTestRoutes();
  const big = JSON.stringify({ item: "x".repeat(5_000), quantity: 1 });
  await problem(
    await kiln.app.request("/test/orders", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: big,
    }),
    413,
    "body_too_large",
  );
  // No Content-Length: the stream is cut off at the limit instead of being buffered whole.
  let pulled = 0;
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(new TextEncoder().encode("x".repeat(1_024)));
    },
  });
  const response = await kiln.app.request("/test/orders", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: endless,
    duplex: "half",
  } as RequestInit);
  await problem(response, 413, "body_too_large");
  assert.ok(pulled < 10, `read ${pulled} KiB of an endless body`);
});

Deno.test("a body of another media type is a 415 problem", async () => {
  await using kiln = await testKiln();
  const response = await kiln.request("/api/demo/jobs", {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: "steps=3",
  });
  const body = await problem(response, 415, "unsupported_media_type");
  assert.deepEqual(body.expected, ["application/json"]);
});

Deno.test("a body that fails validation is a 422 listing every issue", async () => {
  await using kiln = await kilnWithTestRoutes();
  const response = await kiln.app.request("/test/orders", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ item: "", quantity: -1 }),
  });
  const body = await problem(response, 422, "validation_failed");
  assert.deepEqual(body.issues.map((issue: { path: string }) => issue.path).sort(), [
    "body.item",
    "body.quantity",
  ]);
});

Deno.test("rate-limited routes send RateLimit headers and a 429 with Retry-After", async () => {
  await using kiln = await testKiln();
  const statuses: number[] = [];
  let last: Response | undefined;
  for (let attempt = 0; attempt < 11; attempt++) {
    // Distinct cheap bodies: steps=1 so the jobs finish fast; the limit is 10 per minute per IP.
    last = await kiln.request("/api/demo/jobs", { json: { steps: 1 } });
    statuses.push(last.status);
    if (attempt === 0) {
      assert.equal(last.headers.get("ratelimit-limit"), "10");
      assert.equal(last.headers.get("ratelimit-remaining"), "9");
    }
    await last.body?.cancel();
  }
  assert.equal(statuses.at(-1), 429, `statuses: ${statuses}`);
  const retry = await kiln.request("/api/demo/jobs", { json: { steps: 1 } });
  await problem(retry, 429, "rate_limited");
  assert.ok(Number(retry.headers.get("retry-after")) >= 1);
  assert.equal(retry.headers.get("ratelimit-remaining"), "0");
});

Deno.test("an Idempotency-Key replays the stored response and never runs twice", async () => {
  await using kiln = await kilnWithTestRoutes();
  executions = 0;
  const post = (key: string, body: unknown) =>
    kiln.app.request("/test/orders", {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify(body),
    });
  const first = await post("order-1", { item: "tea", quantity: 2 });
  assert.equal(first.status, 201);
  const created = await first.json();
  const concurrent = await Promise.all(
    Array.from({ length: 10 }, () => post("order-1", { item: "tea", quantity: 2 })),
  );
  for (const response of concurrent) {
    assert.equal(response.status, 201);
    assert.equal(response.headers.get("idempotent-replayed"), "true");
    assert.deepEqual(await response.json(), created);
  }
  assert.equal(executions, 1);
  await problem(await post("order-1", { item: "coffee", quantity: 1 }), 422, "idempotency_key_reused");
  assert.equal((await post("order-2", { item: "tea", quantity: 2 })).status, 201);
  assert.equal(executions, 2);
});

Deno.test("an exception is a 500 problem with the request id and no internals", async () => {
  await using kiln = await kilnWithTestRoutes();
  const response = await kiln.app.request("/test/boom", { headers: { "x-request-id": "trace-abc-123" } });
  const body = await problem(response, 500, "internal_error");
  assert.equal(body.requestId, "trace-abc-123");
  assert.doesNotMatch(JSON.stringify(body), /hunter2|at .*\.ts/);
});

Deno.test("domain errors map to their status with their details", async () => {
  await using kiln = await kilnWithTestRoutes();
  const body = await problem(
    await kiln.app.request("/test/boom", { method: "POST" }),
    402,
    "insufficient_credits",
  );
  assert.equal(body.required, 3);
});

Deno.test("admin routes answer 401 with WWW-Authenticate without the admin token", async () => {
  await using kiln = await testKiln();
  const response = await kiln.request("/api/admin/jobs", {
    headers: { authorization: "Bearer wrong-token" },
  });
  await problem(response, 401, "unauthorized");
  assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer/);
  assert.equal((await kiln.request("/api/admin/jobs", { admin: true })).status, 200);
  assert.equal(
    (await kiln.request("/api/admin/jobs", { headers: { "x-api-key": testAdminToken } })).status,
    200,
  );
});

Deno.test("every response has a request id and security headers; pages get a nonce CSP", async () => {
  await using kiln = await testKiln();
  const api = await kiln.request("/health");
  assert.match(
    api.headers.get("x-request-id") ?? "",
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  assert.equal(api.headers.get("x-content-type-options"), "nosniff");
  const page = await kiln.request("/");
  const csp = page.headers.get("content-security-policy") ?? "";
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  assert.ok(nonce, csp);
  assert.match(csp, /object-src 'none'/);
  const html = await page.text();
  for (const script of html.matchAll(/<script[^>]*>/g)) {
    assert.match(script[0], new RegExp(`nonce="${nonce!.replace(/[+/=]/g, "\\$&")}"`));
  }
  const second = await kiln.request("/");
  await second.body?.cancel();
  assert.notEqual(/'nonce-([^']+)'/.exec(second.headers.get("content-security-policy") ?? "")?.[1], nonce);
});

Deno.test("CORS headers only for allow-listed origins", async () => {
  await using kiln = await testKiln({ KILN_CORS_ORIGINS: "https://app.example" });
  const allowed = await kiln.request("/health", { headers: { origin: "https://app.example" } });
  assert.equal(allowed.headers.get("access-control-allow-origin"), "https://app.example");
  const other = await kiln.request("/health", { headers: { origin: "https://evil.example" } });
  assert.equal(other.headers.get("access-control-allow-origin"), null);
  const preflight = await kiln.request("/api/demo/jobs", {
    method: "OPTIONS",
    headers: { origin: "https://app.example", "access-control-request-method": "POST" },
  });
  assert.equal(preflight.status, 204);
});
