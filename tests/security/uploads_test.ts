/**
 * The audit's two anonymous PDF uploads against a real server process: the 16 MB, 100,000-page PDF
 * and the 3 MB flate bomb. While they are processed /health keeps answering (parsing once blocked it
 * for minutes; the bound of 3 s leaves room for a loaded CI machine); each job fails with a code
 * saying why; the server never restarts.
 */
import assert from "node:assert/strict";
import { startServerProcess } from "../support/server_process.ts";
import { waitFor } from "../support/wait.ts";
import { uploadForm } from "../doc_to_video/pdfs.ts";
import { flateBombPdf, manyPagePdf } from "./hostile_files.ts";

Deno.test("hostile PDFs fail their own jobs with a reason while /health keeps answering", async () => {
  // Built before the clock starts: generating them blocks this (the client's) event loop for seconds.
  const expectations: [Uint8Array, string][] = [
    [manyPagePdf(100_000), "pdf_too_many_pages"],
    [await flateBombPdf(), "pdf_decompression_limit"],
  ];
  const dataDir = await Deno.makeTempDir({ prefix: "kiln-uploads-" });
  const server = await startServerProcess(dataDir, { KILN_MAX_CONNECTIONS_PER_IP: "0" });
  const { url } = server;
  // The first /health probes the media tools (cached for a minute): warm it outside the measurement.
  await (await fetch(`${url}/health`)).body?.cancel();
  const latencies: number[] = [];
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const started = performance.now();
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
      await response.body?.cancel();
      assert.equal(response.status, 200);
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    const jobs: { id: string; code: string }[] = [];
    for (const [pdf, code] of expectations) {
      const response = await fetch(`${url}/api/doc-to-video`, { method: "POST", body: uploadForm(pdf) });
      assert.equal(response.status, 202);
      jobs.push({ id: (await response.json()).job_id, code });
    }
    for (const { id, code } of jobs) {
      const status = await waitFor(`job ${id} to fail`, async () => {
        const body = await (await fetch(`${url}/api/video-status/${id}`)).json();
        return body.status === "failed" ? body : undefined;
      }, 60_000);
      assert.match(JSON.stringify(status), new RegExp(code));
    }
  } finally {
    probing = false;
    await probe;
    const exit = await server.stop();
    await Deno.remove(dataDir, { recursive: true });
    assert.equal(exit.code, 0, "the server did not shut down cleanly");
  }
  assert.ok(latencies.length >= 5);
  const worst = Math.max(...latencies);
  assert.ok(worst < 3_000, `/health took ${Math.round(worst)} ms during the uploads`);
});
