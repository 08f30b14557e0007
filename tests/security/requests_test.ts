/**
 * The audit's request-level findings, each replayed against the real app: unbounded and trickling
 * bodies, deep JSON, prototype-named types and tools, idempotency keys shared with anonymous
 * callers, module jobs through the generic job routes, cross-site uploads, dot-segment and
 * badly-encoded blob keys.
 */
import assert from "node:assert/strict";
import { rateFor } from "../../lib/engine/pricing.ts";
import { maxJsonDepth } from "../../lib/http/body.ts";
import { testAdminToken, testKiln } from "../support/kiln.ts";
import {
  asService,
  conversationKiln,
  createSession,
  postUpdate,
  serviceToken,
} from "../conversation/_helpers.ts";
import { englishPdf, uploadForm } from "../doc_to_video/pdfs.ts";

const mib = 1024 * 1024;

async function problem(response: Response, status: number, code: string) {
  const body = await response.json();
  assert.equal(response.status, status, JSON.stringify(body));
  assert.equal(body.code, code);
  return body;
}

/** A body that streams `total` bytes on demand and counts what was actually pulled. */
function countingBody(total: number) {
  const counter = { pulled: 0 };
  const chunk = new Uint8Array(64 * 1024).fill(32);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= total) return controller.close();
      counter.pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, counter };
}

Deno.test("a 600 MB preprocess callback is refused before it is buffered: by Content-Length, or cut at 256 KiB", async () => {
  await using kiln = await testKiln();
  const path = "/preprocess/callback/batch-1/task-1";
  const declared = await kiln.request(path, {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": String(600 * mib) },
    body: "{}",
  });
  await problem(declared, 413, "body_too_large");
  const { stream, counter } = countingBody(600 * mib);
  const streamed = await kiln.request(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: stream,
    duplex: "half",
  } as RequestInit);
  await problem(streamed, 413, "body_too_large");
  assert.ok(counter.pulled < 2 * mib, `read ${counter.pulled} bytes of a body limited to 256 KiB`);
});

Deno.test("a body that stops arriving is a 408 after KILN_BODY_TIMEOUT_MS, not a handler held forever", async () => {
  await using kiln = await testKiln({ KILN_BODY_TIMEOUT_MS: "300" });
  const stalled = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"result":'));
    }, // …and never more
  });
  const started = performance.now();
  const response = await kiln.request("/preprocess/callback/batch-1/task-1", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: stalled,
    duplex: "half",
  } as RequestInit);
  await problem(response, 408, "body_timeout");
  assert.ok(performance.now() - started < 3_000);
});

Deno.test("JSON nested 5,000 deep is a 400 json_too_deep, never a stack overflow", async () => {
  await using kiln = await conversationKiln();
  const { sessionId } = await createSession(kiln);
  const deep = "[".repeat(5_000) + "]".repeat(5_000);
  const response = await kiln.request(`/conversation/${sessionId}/update`, {
    method: "POST",
    headers: { ...asService, "content-type": "application/json" },
    body: `{"type":"confirmation","data":{"title":"t","extra":${deep}}}`,
  });
  const body = await problem(response, 400, "json_too_deep");
  assert.equal(body.maxDepth, maxJsonDepth);
  // Nesting up to the limit is fine.
  const fine = "[".repeat(30) + "]".repeat(30);
  const ok = await kiln.request(`/conversation/${sessionId}/update`, {
    method: "POST",
    headers: { ...asService, "content-type": "application/json" },
    body: `{"type":"confirmation","data":{"title":"t","extra":${fine}}}`,
  });
  assert.equal(ok.status, 201);
  await ok.body?.cancel();
});

Deno.test("update types, tool names and models named like Object.prototype members are unknown, not 500", async () => {
  await using kiln = await conversationKiln();
  const { sessionId } = await createSession(kiln);
  for (const type of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]) {
    const response = await postUpdate(kiln, sessionId, { type, data: {} });
    assert.equal(response.status, 422, type);
    assert.match((await response.json()).detail, /unknown update type/);
  }
  for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueof"]) {
    const response = await kiln.request(`/api/restaurant/sessions/${sessionId}/tools/${name}`, {
      json: { args: {} },
      headers: asService,
    });
    // Names outside the tool-name pattern stop at the params schema (422); the rest are unknown (404).
    const body = await response.json();
    assert.ok(
      (response.status === 404 && body.code === "unknown_tool") ||
        (response.status === 422 && body.code === "validation_failed"),
      `${name}: ${response.status} ${body.code}`,
    );
  }
  assert.equal(rateFor({ default: 2 }, "constructor"), 2);
  assert.equal(rateFor({ default: 2 }, "__proto__"), 2);
  assert.equal(rateFor({ "whisper-1": 3 }, "toString"), 1);
});

Deno.test("an Idempotency-Key never lets an anonymous caller see or spoil a writer's request", async () => {
  await using kiln = await conversationKiln();
  const { sessionId } = await createSession(kiln);
  const send = (key: string, token?: string) =>
    kiln.request(`/conversation/${sessionId}/update`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "idempotency-key": key,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ type: "confirmation", data: { title: "Order 42 for Ada, 12 Market St" } }),
    });

  // The writer first: an anonymous replay of the key gets a 401, not the writer's stored 201.
  const written = await send("key-1", serviceToken);
  assert.equal(written.status, 201);
  await written.body?.cancel();
  const anonymous = await send("key-1");
  assert.equal(anonymous.status, 401);
  assert.doesNotMatch(await anonymous.text(), /Ada/);

  // Anonymous first: its 401 is not stored, so the writer's real update still happens.
  const first = await send("key-2");
  assert.equal(first.status, 401);
  await first.body?.cancel();
  const real = await send("key-2", serviceToken);
  assert.equal(real.status, 201);
  assert.notEqual(real.headers.get("idempotent-replayed"), "true");
  await real.body?.cancel();
  const state = await (await kiln.request(`/conversation/${sessionId}/state`, { headers: asService })).json();
  assert.equal(state.updates.filter((update: { type: string }) => update.type === "confirmation").length, 2);
});

Deno.test("module jobs are not readable or cancellable through /api/jobs/:id without credentials", async () => {
  await using kiln = await testKiln({ DOC_TO_VIDEO_FFMPEG: "/nonexistent/ffmpeg" });
  const upload = await kiln.request("/api/doc-to-video", {
    method: "POST",
    body: uploadForm(await englishPdf()),
  });
  assert.equal(upload.status, 202);
  const { job_id: jobId } = await upload.json();
  await problem(await kiln.request(`/api/jobs/${jobId}`), 404, "job_not_found");
  await problem(await kiln.request(`/api/jobs/${jobId}`, { method: "DELETE" }), 404, "job_not_found");
  const asAdmin = await kiln.request(`/api/jobs/${jobId}`, { admin: true });
  assert.equal(asAdmin.status, 200);
  assert.notEqual((await asAdmin.json()).status, "cancelled");
  // The home page's demo job opts in: its id is its capability.
  const demo = await kiln.request("/api/demo/jobs", { json: { steps: 1 } });
  const { job } = await demo.json();
  const read = await kiln.request(`/api/jobs/${job.id}`);
  assert.equal(read.status, 200);
  await read.body?.cancel();
});

Deno.test("a cross-site page cannot make its visitors' browsers start doc-to-video jobs", async () => {
  await using kiln = await testKiln();
  const pdf = await englishPdf();
  const post = (headers: Record<string, string>) =>
    kiln.request("/api/doc-to-video", { method: "POST", body: uploadForm(pdf), headers });
  await problem(await post({ "sec-fetch-site": "cross-site" }), 403, "cross_site_request");
  await problem(await post({ "sec-fetch-site": "same-site" }), 403, "cross_site_request");
  await problem(await post({ origin: "https://evil.example" }), 403, "cross_site_request");
  const own = await post({ "sec-fetch-site": "same-origin", origin: "http://localhost" });
  assert.equal(own.status, 202);
  await own.body?.cancel();
  const script = await post({}); // curl, a server: no browser headers
  assert.equal(script.status, 202);
  await script.body?.cancel();
});

Deno.test("blob keys: dot segments and bad percent-encoding are 400, a file/folder clash is 409", async () => {
  await using kiln = await testKiln();
  const url = new URL(kiln.listen());
  const raw = async (method: string, path: string, body = "") => {
    const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
    try {
      await conn.write(new TextEncoder().encode(
        `${method} ${path} HTTP/1.1\r\nHost: kiln\r\nAuthorization: Bearer ${testAdminToken}\r\n` +
          `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      ));
      const text = new TextDecoder().decode(await new Response(conn.readable).arrayBuffer());
      return { status: Number(text.split(" ")[1]), text };
    } finally {
      try {
        conn.close();
      } catch { /* closed by the server */ }
    }
  };
  for (const path of ["a/../b.tif", "a/%2e%2e/b.tif", "a/%2E/b.tif", "a/%zz.tif"]) {
    const answer = await raw("PUT", `/preprocess/blobs/${path}`, "data");
    assert.equal(answer.status, 400, path);
    assert.match(answer.text, /invalid_path/);
  }
  const tooLong = await raw("PUT", `/preprocess/blobs/${"x".repeat(300)}.tif`, "data");
  assert.equal(tooLong.status, 422);
  assert.match(tooLong.text, /invalid_blob_key/);
  assert.equal((await raw("PUT", "/preprocess/blobs/folder/file.tif", "data")).status, 201);
  const clash = await raw("PUT", "/preprocess/blobs/folder", "data");
  assert.equal(clash.status, 409);
  assert.match(clash.text, /blob_key_conflict/);
  const under = await raw("PUT", "/preprocess/blobs/folder/file.tif/inner.tif", "data");
  assert.equal(under.status, 409);
  assert.equal((await raw("GET", "/preprocess/blobs/folder/file.tif/inner.tif")).status, 404);
});
