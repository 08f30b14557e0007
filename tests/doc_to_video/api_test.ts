import assert from "node:assert/strict";
import { maxDocumentBytes } from "../../lib/doc_to_video/options.ts";
import { randomId } from "../../lib/ids.ts";
import { testKiln } from "../support/kiln.ts";
import { fakeOpenRouter } from "../providers/fake_openrouter.ts";
import { status, submit, submitOk } from "./helpers.ts";
import { englishPdf, uploadForm } from "./pdfs.ts";

/** A kiln whose script writer waits at a gate, so jobs stay unfinished while limits are probed. */
async function gatedKiln() {
  const openRouter = fakeOpenRouter();
  let release!: () => void;
  openRouter.gate = new Promise((resolve) => release = resolve);
  const kiln = await testKiln({
    OPENROUTER_API_KEY: "test-openrouter-key",
    OPENROUTER_BASE_URL: openRouter.url,
  });
  return {
    kiln,
    openRouter,
    async [Symbol.asyncDispose]() {
      release();
      await kiln[Symbol.asyncDispose]();
      await openRouter[Symbol.asyncDispose]();
    },
  };
}

Deno.test("uploads that are not PDFs get 415, bad options 422, and a missing file 422", async () => {
  await using kiln = await testKiln();
  const text = await kiln.request("/api/doc-to-video", {
    method: "POST",
    body: uploadForm(new TextEncoder().encode("just some words, not a PDF"), {}, "text/plain"),
  });
  assert.equal(text.status, 415);
  assert.equal((await text.json()).code, "document_not_pdf");
  const json = await kiln.request("/api/doc-to-video", { json: { document: "x" } });
  assert.equal(json.status, 415);
  await json.body?.cancel();
  const badOption = await submit(kiln, await englishPdf(), { apiType: "hologram" });
  assert.equal(badOption.status, 422);
  const invalid = await badOption.json();
  assert.equal(invalid.code, "validation_failed");
  assert.equal(invalid.issues[0].path, "body.apiType");
  const empty = await kiln.request("/api/doc-to-video", { method: "POST", body: new FormData() });
  assert.equal(empty.status, 422);
  assert.equal((await empty.json()).code, "document_missing");
});

Deno.test("a PDF over 20 MB is refused with 413 — by Content-Length before reading, or while streaming", async () => {
  await using kiln = await testKiln();
  const declared = await kiln.request("/api/doc-to-video", {
    method: "POST",
    headers: {
      "content-type": "multipart/form-data; boundary=x",
      "content-length": String(25 * 1024 * 1024),
    },
    body: "--x--",
  });
  assert.equal(declared.status, 413);
  await declared.body?.cancel();
  const big = new Uint8Array(maxDocumentBytes + 1024 * 1024);
  big.set(new TextEncoder().encode("%PDF-1.7\n"));
  const url = kiln.listen();
  const streamed = await fetch(`${url}/api/doc-to-video`, { method: "POST", body: uploadForm(big) });
  assert.equal(streamed.status, 413);
  assert.equal((await streamed.json()).status, 413);
});

Deno.test("unknown or random job ids look the same everywhere: 404", async () => {
  await using kiln = await testKiln();
  const id = randomId();
  for (
    const path of [
      `/api/video-status/${id}`,
      `/api/doc-to-video/${id}/events`,
      `/api/doc-to-video/${id}/files/video.mp4`,
    ]
  ) {
    const response = await kiln.request(path);
    assert.equal(response.status, 404, path);
    assert.equal((await response.json()).code, "video_job_not_found");
  }
  const cancel = await kiln.request(`/api/doc-to-video/${id}`, { method: "DELETE" });
  assert.equal(cancel.status, 404);
  await cancel.body?.cancel();
  // A demo job's id is not a doc-to-video job.
  const demo = await (await kiln.request("/api/demo/jobs", { json: { steps: 1 } })).json();
  assert.equal((await kiln.request(`/api/video-status/${demo.job.id}`)).status, 404);
});

Deno.test("2 unfinished jobs per client: the third is 429 until one is cancelled", async () => {
  await using gated = await gatedKiln();
  const { kiln } = gated;
  const pdf = await englishPdf();
  const first = await submitOk(kiln, pdf);
  await submitOk(kiln, pdf);
  const third = await submit(kiln, pdf);
  assert.equal(third.status, 429);
  const problem = await third.json();
  assert.equal(problem.code, "concurrency_limit");
  assert.ok(Number(third.headers.get("retry-after")) >= 1);
  const cancelled = await kiln.request(`/api/doc-to-video/${first.job_id}`, { method: "DELETE" });
  assert.equal((await cancelled.json()).status, "cancelled");
  assert.equal((await status(kiln, first.job_id)).status, "cancelled");
  await submitOk(kiln, pdf);
});

Deno.test("5 uploads per 10 minutes per client, RateLimit headers on each answer, then 429", async () => {
  await using gated = await gatedKiln();
  const { kiln } = gated;
  const pdf = await englishPdf();
  for (let upload = 1; upload <= 5; upload++) {
    const response = await submit(kiln, pdf);
    assert.equal(response.status, 202);
    assert.equal(response.headers.get("ratelimit-limit"), "5");
    assert.equal(response.headers.get("ratelimit-remaining"), String(5 - upload));
    const { job_id } = await response.json();
    // Cancel so the concurrency limit does not answer first.
    await (await kiln.request(`/api/doc-to-video/${job_id}`, { method: "DELETE" })).body?.cancel();
  }
  const sixth = await submit(kiln, pdf);
  assert.equal(sixth.status, 429);
  assert.equal((await sixth.json()).code, "rate_limited");
  assert.ok(Number(sixth.headers.get("retry-after")) > 0);
  assert.equal(sixth.headers.get("ratelimit-remaining"), "0");
});

Deno.test("a repeated Idempotency-Key replays the first answer instead of starting a second job", async () => {
  await using gated = await gatedKiln();
  const { kiln } = gated;
  const pdf = await englishPdf();
  const headers = { "idempotency-key": "upload-0001" };
  const first = await submit(kiln, pdf, {}, headers);
  const second = await submit(kiln, pdf, {}, headers);
  assert.equal(first.status, 202);
  assert.equal(second.status, 202);
  assert.equal(second.headers.get("idempotent-replayed"), "true");
  assert.equal((await second.json()).job_id, (await first.json()).job_id);
  // Only one slot is taken: a second, different upload is still accepted.
  assert.equal((await submit(kiln, pdf)).status, 202);
});
