/**
 * A Kiln process for the doc-to-video crash test: `crash_worker.ts <dataDir> start` uploads a PDF,
 * prints `RUNNING <id>` once the video is rendering and waits to be killed with SIGKILL;
 * `crash_worker.ts <dataDir> resume <id>` starts Kiln over the same KV file and blobs, waits until
 * the job is terminal, prints `DONE <status>` and exits. Short lease and sweep so recovery is quick.
 */
import { loadConfig } from "../../fresh.config.ts";
import { createKiln } from "../../main.ts";
import { createLogger } from "../../lib/log.ts";
import { englishPdf, uploadForm } from "./pdfs.ts";

const [dataDir, mode, jobId] = Deno.args;
const config = loadConfig({
  KILN_DATA_DIR: dataDir,
  KILN_ACCESS_LOG: "false",
  KILN_JOB_LEASE_MS: "1000",
  KILN_JOB_SWEEP_MS: "200",
  // The kill plays an external one (a deploy, the OOM killer): this deployment lets a job survive
  // one process death instead of quarantining it (KILN_JOB_CRASH_RETRIES, default 0).
  KILN_JOB_CRASH_RETRIES: "1",
  KILN_SHUTDOWN_GRACE_MS: "0",
  DOC_TO_VIDEO_FFMPEG: Deno.env.get("DOC_TO_VIDEO_FFMPEG") ?? "ffmpeg",
  DOC_TO_VIDEO_ESPEAK: Deno.env.get("DOC_TO_VIDEO_ESPEAK") ?? "espeak-ng",
});
const log = createLogger({ level: "info", sink: (line) => console.error(line), fields: { mode } });
const kiln = await createKiln(config, { log });

async function status(id: string) {
  return await (await kiln.app.request(`/api/video-status/${id}`)).json();
}

if (mode === "start") {
  const response = await kiln.app.request("/api/doc-to-video", {
    method: "POST",
    body: uploadForm(await englishPdf()),
  });
  const { job_id } = await response.json();
  while (true) {
    const view = await status(job_id);
    if (view.step?.startsWith("Narrating sentence")) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  console.log(`RUNNING ${job_id}`);
  await new Promise(() => {}); // killed here
} else {
  const deadline = Date.now() + 150_000;
  let view = await status(jobId);
  while (Date.now() < deadline && !["succeeded", "failed", "cancelled"].includes(view.status)) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    view = await status(jobId);
  }
  console.log(`DONE ${view.status}`);
  await kiln.close();
}
