import assert from "node:assert/strict";
import { testKiln } from "../support/kiln.ts";
import { systemTool } from "../support/system_tools.ts";
import { finished, submitOk } from "./helpers.ts";
import { corruptPdf, encryptedPdf, englishPdf, imageOnlyPdf } from "./pdfs.ts";

const install = "apt-get install -y ffmpeg espeak-ng fonts-dejavu-core";
const ffmpeg = systemTool("ffmpeg", ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"], install);
const espeak = systemTool("espeak-ng", ["/usr/bin/espeak-ng", "/usr/local/bin/espeak-ng"], install);
const media = { ignore: ffmpeg.ignore || espeak.ignore, sanitizeResources: true };

Deno.test({
  name: "an English PDF becomes a narrated MP4 with captions and a script, offline",
  ...media,
  async fn() {
    await using kiln = await testKiln({ DOC_TO_VIDEO_FFMPEG: ffmpeg.path, DOC_TO_VIDEO_ESPEAK: espeak.path });
    const pdf = await englishPdf();
    const accepted = await submitOk(kiln, pdf, { category: "summarize", sentiment: "happy" });
    assert.match(accepted.job_id, /^[a-z2-7]{26}$/);
    assert.equal(accepted.status_url, `/api/video-status/${accepted.job_id}`);
    const view = await finished(kiln, accepted.job_id, 25_000);
    assert.equal(view.status, "succeeded", view.error);
    assert.equal(view.progress, 100);
    assert.equal(view.language, "en");
    assert.ok(view.words! >= 50 && view.words! <= 400, `${view.words} words`);
    assert.match(view.script!, /solar/i);
    assert.equal(view.cost!.totalUsd, 0);
    assert.equal(view.cost!.llm.writer, "local-summariser");

    const video = await kiln.request(view.video_url!);
    assert.equal(video.headers.get("content-type"), "video/mp4");
    const bytes = new Uint8Array(await video.arrayBuffer());
    assert.equal(new TextDecoder().decode(bytes.subarray(4, 8)), "ftyp");
    assert.ok(bytes.byteLength > 10_000);
    const range = await kiln.request(view.video_url!, { headers: { range: "bytes=0-99" } });
    assert.equal(range.status, 206);
    assert.equal((await range.arrayBuffer()).byteLength, 100);
    const captions = await (await kiln.request(view.captions_url!)).text();
    assert.match(captions, /^WEBVTT\n\n1\n00:00:00\.000 --> 00:00:0\d\.\d{3}\n/);
    assert.equal(await (await kiln.request(view.script_url!)).text(), view.script);

    const metrics = await (await kiln.request("/metrics")).text();
    assert.match(metrics, /kiln_doc_to_video_video_seconds_total\{provider="local"\} \d/);
    const events = kiln.logs.filter((line) => line.jobId === accepted.job_id).map((line) => line.event);
    for (const event of ["job_created", "video_requested", "video_ready", "cost_estimate", "job_completed"]) {
      assert.ok(events.includes(event), `${event} logged (got ${events.join(", ")})`);
    }
  },
});

Deno.test("scanned (image-only), corrupt and encrypted PDFs fail with a message saying which", async () => {
  await using kiln = await testKiln();
  const scanned = await submitOk(kiln, await imageOnlyPdf());
  const corrupt = await submitOk(kiln, corruptPdf());
  const scannedView = await finished(kiln, scanned.job_id);
  assert.equal(scannedView.status, "failed");
  assert.equal(scannedView.error_code, "pdf_scanned");
  assert.match(scannedView.error!, /no text layer.*scanned/);
  const corruptView = await finished(kiln, corrupt.job_id);
  assert.equal(corruptView.error_code, "pdf_corrupt");
  assert.match(corruptView.error!, /corrupt/);
  assert.ok(kiln.logs.some((line) => line.jobId === scanned.job_id && line.event === "job_failed"));
  const encrypted = await finished(kiln, (await submitOk(kiln, await encryptedPdf())).job_id);
  assert.equal(encrypted.error_code, "pdf_encrypted");
  assert.match(encrypted.error!, /encrypted \(password protected\)/);
});

Deno.test("without ffmpeg the job fails naming the install line and /health says degraded", async () => {
  await using kiln = await testKiln({ DOC_TO_VIDEO_FFMPEG: "/nonexistent/ffmpeg" });
  const health = await (await kiln.request("/health")).json();
  assert.equal(health.checks.doc_to_video.state, "degraded");
  assert.equal(health.checks.doc_to_video.ffmpeg, false);
  assert.match(health.checks.doc_to_video.install, /apt-get install .*ffmpeg/);
  // One PDF, sent twice: pdf-lib stamps each document it saves with the time, so two calls may differ.
  const pdf = await englishPdf();
  const accepted = await submitOk(kiln, pdf);
  const view = await finished(kiln, accepted.job_id, 15_000);
  assert.equal(view.status, "failed");
  assert.equal(view.error_code, "media_tool_missing");
  assert.match(view.error!, /\/nonexistent\/ffmpeg is not installed; install it with: apt-get install/);
  // The script was written before the render failed, and is still shown.
  assert.ok(view.script);
  // The same PDF with the same options reuses the cached script.
  const again = await submitOk(kiln, pdf);
  assert.equal((await finished(kiln, again.job_id, 15_000)).script, view.script);
  assert.ok(kiln.logs.some((line) => line.jobId === again.job_id && line.event === "script_cache_hit"));
});
