/**
 * Wires doc-to-video into Kiln: providers chosen from the configuration (OpenRouter / D-ID when
 * their keys are set, the offline summariser and the local page-visual renderer otherwise), the
 * installed voices, the job kind, the media health check and the expiry sweep.
 */
import client from "prom-client";
import { variablesOf } from "../config.ts";
import type { Services } from "../services.ts";
import { docToVideoReads } from "./config.ts";
import { fontFamily } from "../media/font_name.ts";
import { mediaInstallLine, toolAvailable } from "../media/tools.ts";
import { installedVoices, type Voice } from "../media/voices.ts";
import { createOpenRouterModel } from "../providers/llm/openrouter.ts";
import { createDidProvider } from "../providers/video/did.ts";
import { createLocalRenderer } from "../providers/video/local.ts";
import { sweepExpiredWork } from "./cleanup.ts";
import { createPdfTextReader } from "./document_text.ts";
import { DocToVideoJobInput, docToVideoJobKind, jobTtlMs } from "./options.ts";
import { runDocToVideo } from "./pipeline.ts";
import { createDocToVideoService, type DocToVideoService } from "./service.ts";
import { type PageOptions, pageOptions } from "./page_options.ts";

export async function setupDocToVideo(services: Services): Promise<DocToVideoApi> {
  const { config, kv, blobs, jobs, log, secrets } = services;
  const values = variablesOf(config, docToVideoReads);
  const webhookSecret = await secrets.ensure("DID_WEBHOOK_SECRET", values.DID_WEBHOOK_SECRET);
  const chat = values.OPENROUTER_API_KEY
    ? createOpenRouterModel({
      apiKey: values.OPENROUTER_API_KEY,
      baseUrl: values.OPENROUTER_BASE_URL,
      referer: config.publicUrl,
      title: "Kiln doc-to-video",
    })
    : undefined;
  const remote = values.DID_API_KEY
    ? createDidProvider({ apiKey: values.DID_API_KEY, baseUrl: values.DID_BASE_URL })
    : undefined;
  const speech = {
    flite: values.DOC_TO_VIDEO_FLITE,
    espeak: values.DOC_TO_VIDEO_ESPEAK,
    text2wave: values.DOC_TO_VIDEO_TEXT2WAVE,
  };
  const popplerDir = values.DOC_TO_VIDEO_POPPLER_DIR.replace(/\/$/, "");
  const poppler = {
    pdftotext: popplerDir ? `${popplerDir}/pdftotext` : "pdftotext",
    pdftoppm: popplerDir ? `${popplerDir}/pdftoppm` : "pdftoppm",
    pdfimages: popplerDir ? `${popplerDir}/pdfimages` : "pdfimages",
  };
  const local = createLocalRenderer({
    ffmpeg: values.DOC_TO_VIDEO_FFMPEG,
    speech,
    fontFile: values.DOC_TO_VIDEO_FONT,
    fontName: await fontFamily(values.DOC_TO_VIDEO_FONT),
  });
  // Installed voices are read once (a few process launches) and kept: packages do not change under a running server.
  let voiceList: Promise<Voice[]> | undefined;
  const voices = () => voiceList ??= installedVoices(speech);
  const videoSeconds = new client.Counter({
    name: "kiln_doc_to_video_video_seconds_total",
    help: "Seconds of video produced by doc-to-video, by provider.",
    labelNames: ["provider"] as const,
    registers: [services.metrics.registry],
  });
  const costUsd = new client.Counter({
    name: "kiln_doc_to_video_estimated_cost_usd_total",
    help: "Estimated provider cost of doc-to-video jobs (LLM tokens + video), USD.",
    labelNames: ["provider"] as const,
    registers: [services.metrics.registry],
  });
  const pdf = createPdfTextReader();
  services.onClose(() => pdf.close());
  const deps = {
    kv,
    blobs,
    chat,
    remote,
    local,
    pdf,
    poppler,
    voices,
    webhookSecret,
    // Read at use: tests (and a late-bound proxy setup) may settle the public URL after start-up.
    publicUrl: () => services.config.publicUrl,
    pollMs: values.DID_POLL_MS,
    onVideo: (video: { provider: string; seconds: number; costUsd: number }) => {
      videoSeconds.inc({ provider: video.provider }, video.seconds);
      costUsd.inc({ provider: video.provider }, video.costUsd);
    },
  };
  jobs.define(docToVideoJobKind, DocToVideoJobInput, (context) => runDocToVideo(context, deps), {
    maxAttempts: 3,
    backoff: { type: "fixed", delaysMs: [2_000, 10_000] },
    ttl: jobTtlMs,
  });

  let tools:
    | { at: number; ffmpeg: boolean; espeak: boolean; flite: boolean; poppler: boolean; font: boolean }
    | undefined;
  services.health.register("doc_to_video", async () => {
    if (!tools || Date.now() - tools.at > 60_000) {
      const [ffmpeg, espeak, flite, pdftoppm] = await Promise.all([
        toolAvailable(values.DOC_TO_VIDEO_FFMPEG),
        toolAvailable(values.DOC_TO_VIDEO_ESPEAK, "--version"),
        toolAvailable(speech.flite, "-lv"),
        toolAvailable(poppler.pdftoppm, "-v"),
      ]);
      const font = await Deno.stat(values.DOC_TO_VIDEO_FONT).then(() => true, () => false);
      tools = { at: Date.now(), ffmpeg, espeak, flite, poppler: pdftoppm, font };
    }
    // espeak-ng is the one voice for Arabic; flite voices are preferred for English; without
    // poppler videos still render, with cards instead of the document's pages.
    const localReady = tools.ffmpeg && tools.espeak && tools.font;
    const complete = localReady && tools.flite && tools.poppler;
    return {
      state: remote || localReady ? "ok" : "degraded",
      scriptWriter: chat ? "openrouter" : "local-summariser",
      videoProvider: remote ? "d-id" : "local",
      ffmpeg: tools.ffmpeg,
      espeakNg: tools.espeak,
      flite: tools.flite,
      pageVisuals: tools.poppler,
      voices: (await voices()).map((voice) => voice.id),
      font: tools.font,
      ...(complete ? {} : { install: mediaInstallLine }),
    };
  });

  services.scheduler.every("doc_to_video.sweep_expired", 5 * 60 * 1000, async () => {
    await sweepExpiredWork({ kv, blobs, jobs, log });
  });
  const service = createDocToVideoService({
    kv,
    blobs,
    jobs,
    defaultModel: values.DOC_TO_VIDEO_MODEL,
    webhookSecret,
    voices,
    pageVisuals: async () => (tools?.poppler) ?? await toolAvailable(poppler.pdftoppm, "-v"),
    chat,
  });
  return { ...service, pageOptions: () => pageOptions(values, service) };
}

/** The API doc-to-video's routes call: the service, plus what the upload form offers. */
export interface DocToVideoApi extends DocToVideoService {
  pageOptions(): Promise<PageOptions>;
}
