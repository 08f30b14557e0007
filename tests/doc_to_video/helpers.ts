/** Shared steps of the doc-to-video tests: upload, wait for the job, read its status. */
import type { VideoStatus } from "../../lib/doc_to_video/service.ts";
import type { TestKiln } from "../support/kiln.ts";
import { waitFor } from "../support/wait.ts";
import { uploadForm } from "./pdfs.ts";

export const ffmpegTool = () => ({
  ffmpeg: "/usr/bin/ffmpeg",
  espeak: "/usr/bin/espeak-ng",
});

export async function submit(
  kiln: TestKiln,
  pdf: Uint8Array,
  fields: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<Response> {
  return await kiln.request("/api/doc-to-video", { method: "POST", body: uploadForm(pdf, fields), headers });
}

export async function submitOk(kiln: TestKiln, pdf: Uint8Array, fields: Record<string, string> = {}) {
  const response = await submit(kiln, pdf, fields);
  const body = await response.json();
  if (response.status !== 202) throw new Error(`upload answered ${response.status}: ${JSON.stringify(body)}`);
  return body as { job_id: string; status_url: string; events_url: string };
}

export async function status(kiln: TestKiln, jobId: string): Promise<VideoStatus> {
  const response = await kiln.request(`/api/video-status/${jobId}`);
  return await response.json();
}

export async function finished(kiln: TestKiln, jobId: string, timeoutMs = 15_000): Promise<VideoStatus> {
  return await waitFor(`job ${jobId} to finish`, async () => {
    const view = await status(kiln, jobId);
    return ["succeeded", "failed", "cancelled"].includes(view.status) ? view : undefined;
  }, timeoutMs);
}
