import assert from "node:assert/strict";
import { testKiln } from "../support/kiln.ts";
import { systemTool } from "../support/system_tools.ts";
import { finished, submit, submitOk } from "./helpers.ts";
import { corruptPdf, encryptedPdf, englishPdf, imageOnlyPdf } from "./pdfs.ts";

const install = "apt-get install -y ffmpeg espeak-ng flite poppler-utils fonts-dejavu-core";
const ffmpeg = systemTool("ffmpeg", ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"], install);
const espeak = systemTool("espeak-ng", ["/usr/bin/espeak-ng", "/usr/local/bin/espeak-ng"], install);
const flite = systemTool("flite", ["/usr/bin/flite", "/usr/local/bin/flite"], install);
const pdftoppm = systemTool("pdftoppm", ["/usr/bin/pdftoppm", "/usr/local/bin/pdftoppm"], install);
const media = {
  ignore: ffmpeg.ignore || espeak.ignore || flite.ignore || pdftoppm.ignore,
  sanitizeResources: true,
};

Deno.test({
  name: "an English PDF becomes a narrated MP4 with captions and a script, offline",
  ...media,
  async fn() {
    await using kiln = await testKiln({ DOC_TO_VIDEO_FFMPEG: ffmpeg.path, DOC_TO_VIDEO_ESPEAK: espeak.path });
    const pdf = await englishPdf();
    const accepted = await submitOk(kiln, pdf, {
      category: "summarize",
      sentiment: "happy",
      voice: "flite-slt",
    });
    assert.match(accepted.job_id, /^[a-z2-7]{26}$/);
    assert.equal(accepted.status_url, `/api/video-status/${accepted.job_id}`);
    const view = await finished(kiln, accepted.job_id, 120_000);
    assert.equal(view.status, "succeeded", view.error);
    assert.equal(view.progress, 100);
    assert.equal(view.language, "en");
    assert.equal(view.voice, "flite-slt");
    assert.ok(view.sections!.length >= 2 && view.sections!.every((section) => section.page === 1));
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
    assert.match(captions, /^WEBVTT\n\n1\n00:00:00\.\d{3} --> 00:00:0\d\.\d{3}\n\S+ <00:00:0\d\.\d{3}>/);
    const chapters = await (await kiln.request(view.chapters_url!)).text();
    for (const section of view.sections!) assert.ok(chapters.includes(`\n${section.title}\n`), section.title);
    const poster = await kiln.request(view.poster_url!);
    assert.equal(poster.headers.get("content-type"), "image/jpeg");
    assert.equal(
      new TextDecoder().decode(new Uint8Array(await poster.arrayBuffer()).subarray(6, 10)),
      "JFIF",
    );
    assert.equal(await (await kiln.request(view.script_url!)).text(), view.script);

    const metrics = await (await kiln.request("/metrics")).text();
    assert.match(metrics, /kiln_doc_to_video_video_seconds_total\{provider="local"\} \d/);
    const events = kiln.logs.filter((line) => line.jobId === accepted.job_id).map((line) => line.event);
    for (
      const event of [
        "job_created",
        "document_layout",
        "video_rendered",
        "video_ready",
        "cost_estimate",
        "job_completed",
      ]
    ) {
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
  const pdf = await englishPdf();
  const accepted = await submitOk(kiln, pdf);
  const view = await finished(kiln, accepted.job_id, 60_000);
  assert.equal(view.status, "failed");
  assert.equal(view.error_code, "media_tool_missing");
  assert.match(view.error!, /ffmpeg is not installed; install it with: apt-get install/);
  assert.ok(!view.error!.includes("/nonexistent"), "no server path in an error");
  // The script was written before the render failed, and is still shown.
  assert.ok(view.script);
  // The same PDF (same bytes: pdf-lib stamps the time) with the same options reuses the cached script.
  const again = await submitOk(kiln, pdf);
  assert.equal((await finished(kiln, again.job_id, 60_000)).script, view.script);
  assert.ok(kiln.logs.some((line) => line.jobId === again.job_id && line.event === "script_cache_hit"));
});

Deno.test({
  name: "without poppler-utils the video still renders, on cards instead of pages, and the log says why",
  ...media,
  async fn() {
    await using kiln = await testKiln({
      DOC_TO_VIDEO_POPPLER_DIR: "/nonexistent",
      DOC_TO_VIDEO_FFMPEG: ffmpeg.path,
    });
    const options = await (await kiln.request("/api/doc-to-video")).json();
    assert.equal(options.pageVisuals, false);
    const view = await finished(kiln, (await submitOk(kiln, await englishPdf())).job_id, 120_000);
    assert.equal(view.status, "succeeded", view.error);
    assert.ok(kiln.logs.some((line) => line.event === "page_visuals_off"));
    assert.ok(kiln.logs.some((line) => line.event === "video_rendered" && line.pageVisuals === false));
  },
});

Deno.test("an unknown voice is refused with the installed ones listed; the options say what takes effect", async () => {
  {
    await using kiln = await testKiln();
    const response = await submit(kiln, await englishPdf(), { voice: "robot-9000" });
    assert.equal(response.status, 422);
    const problem = await response.json();
    assert.equal(problem.code, "voice_unavailable");
    assert.ok(Array.isArray(problem.available));
    const options = await (await kiln.request("/api/doc-to-video")).json();
    assert.match(options.unavailable.avatar, /DID_API_KEY/);
    assert.match(options.unavailable.model, /OPENROUTER_API_KEY/);
    assert.equal(options.unavailable.voice, undefined);
  }
  // One Kiln at a time: on PostgreSQL a second one starting beside the first looks like a schema change to it.
  await using keyed = await testKiln({ DID_API_KEY: "test-did-key", OPENROUTER_API_KEY: "test-key" });
  const remote = await (await keyed.request("/api/doc-to-video")).json();
  assert.deepEqual(Object.keys(remote.unavailable), ["voice"]);
});
