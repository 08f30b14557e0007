/**
 * The doc-to-video job: extract → validate → script → video → store. Each step is a checkpoint,
 * so a retry or a restart after a crash resumes after the last finished step instead of paying for
 * the LLM or the video provider twice.
 */
import type { KvStore } from "../store/types.ts";
import { PermanentJobError } from "../jobs/types.ts";
import type { JobContext } from "../jobs/types.ts";
import type { BlobStore } from "../blobs/types.ts";
import { MissingToolError, ToolFailedError } from "../media/tools.ts";
import { webVtt } from "../media/slideshow.ts";
import type { ChatModel } from "../providers/llm/types.ts";
import { splitSentences } from "../providers/video/local.ts";
import type { LocalVideoRenderer } from "../providers/video/local.ts";
import type { RemoteVideoProvider } from "../providers/video/types.ts";
import { estimateCost } from "./cost.ts";
import { type PdfTextReader, validateDocumentText } from "./document_text.ts";
import { updateFacts } from "./job_facts.ts";
import { blobKeys } from "./keys.ts";
import type { DocToVideoJobInput } from "./options.ts";
import { countWords, detectLanguage, type Language } from "./script_rules.ts";
import { renderRemotely } from "./remote_video.ts";
import { cachedScript } from "./script_cache.ts";
import { webhookToken } from "./webhook.ts";

export interface PipelineDeps {
  kv: KvStore;
  blobs: BlobStore;
  chat?: ChatModel;
  remote?: RemoteVideoProvider;
  local: LocalVideoRenderer;
  /** Contained PDF text extraction (never on the event loop). */
  pdf: PdfTextReader;
  webhookSecret: string;
  publicUrl: () => string;
  pollMs: number;
  /** Told about each finished video (for metrics). */
  onVideo?: (video: { provider: string; seconds: number; costUsd: number }) => void;
}

export interface DocToVideoResult {
  videoKey: string;
  captionsKey: string;
  scriptKey: string;
  videoSeconds: number;
}

export async function runDocToVideo(
  context: JobContext<DocToVideoJobInput>,
  deps: PipelineDeps,
): Promise<DocToVideoResult> {
  const { input, log } = context;
  const started = performance.now();
  try {
    await context.progress(5, "Reading the PDF");
    const document = await context.checkpoint("extract", async () => {
      const stored = await deps.blobs.get(blobKeys.document(input.workId));
      if (!stored) throw new PermanentJobError("The uploaded PDF is no longer stored.", "document_missing");
      const bytes = new Uint8Array(await new Response(stored.body).arrayBuffer());
      const extracted = await deps.pdf.read(bytes, context.signal);
      validateDocumentText(extracted);
      await deps.blobs.put(blobKeys.text(input.workId), new TextEncoder().encode(extracted.text));
      log.info("document_extracted", { pages: extracted.pages, chars: extracted.text.length });
      return { pages: extracted.pages, language: detectLanguage(extracted.text) as Language };
    });

    await context.progress(20, "Writing the script");
    const written = await context.checkpoint("script", async () => {
      const text = await readText(deps.blobs, blobKeys.text(input.workId));
      const result = await cachedScript(deps.kv, input, text, document.language, deps.chat, {
        log,
        signal: context.signal,
      });
      await deps.blobs.put(blobKeys.script(input.workId), new TextEncoder().encode(result.script.script));
      await updateFacts(deps.kv, context.jobId, (facts) => ({
        ...facts,
        workId: input.workId,
        script: result.script.script,
        language: result.script.language,
        words: result.script.words,
        estimatedSeconds: result.script.estimatedSeconds,
        scriptCached: result.cached,
      }));
      return result.script;
    });

    await context.progress(45, "Rendering the video");
    const videoKey = blobKeys.video(input.workId);
    const captionsKey = blobKeys.captions(input.workId);
    const rendered = await context.checkpoint("video", async () => {
      const renderStarted = performance.now();
      let seconds: number;
      let provider: string;
      if (deps.remote) {
        const webhookUrl =
          `${deps.publicUrl()}/api/did-webhook?job=${context.jobId}&token=${await webhookToken(
            deps.webhookSecret,
            context.jobId,
          )}`;
        const { state, body } = await renderRemotely(
          context as JobContext<unknown>,
          deps.kv,
          deps.remote,
          { ...input.options, script: written.script, language: written.language, webhookUrl },
          deps.pollMs,
        );
        await context.progress(85, "Saving the video");
        await deps.blobs.put(videoKey, body, { contentType: "video/mp4" });
        seconds = state.durationSeconds ?? written.estimatedSeconds;
        await deps.blobs.put(
          captionsKey,
          new TextEncoder().encode(estimatedCaptions(written.script, seconds)),
        );
        provider = deps.remote.name;
      } else {
        log.info("video_requested", { provider: deps.local.name, apiType: input.options.apiType });
        const result = await renderLocally(context, deps.local, written.script, written.language);
        await deps.blobs.put(videoKey, await Deno.readFile(result.videoPath), { contentType: "video/mp4" });
        await deps.blobs.put(captionsKey, new TextEncoder().encode(result.captions));
        await Deno.remove(result.workDir, { recursive: true }).catch(() => {});
        seconds = result.durationSeconds;
        provider = deps.local.name;
      }
      log.info("video_ready", {
        provider,
        videoSeconds: Math.round(seconds * 10) / 10,
        durationMs: Math.round(performance.now() - renderStarted),
      });
      return { seconds, provider };
    });

    const cost = estimateCost({
      writer: written.writer,
      model: written.model,
      usage: written.usage,
      videoProvider: rendered.provider,
      apiType: input.options.apiType,
      videoSeconds: rendered.seconds,
    });
    await updateFacts(deps.kv, context.jobId, (facts) => ({
      ...facts,
      workId: input.workId,
      cost,
      videoProvider: rendered.provider,
      videoSeconds: rendered.seconds,
      hasVideo: true,
    }));
    log.info("cost_estimate", { ...cost });
    deps.onVideo?.({ provider: rendered.provider, seconds: rendered.seconds, costUsd: cost.totalUsd });
    await context.progress(100, "Done");
    log.info("job_completed", {
      durationMs: Math.round(performance.now() - started),
      totalUsd: cost.totalUsd,
      videoSeconds: Math.round(rendered.seconds * 10) / 10,
    });
    return {
      videoKey,
      captionsKey,
      scriptKey: blobKeys.script(input.workId),
      videoSeconds: rendered.seconds,
    };
  } catch (error) {
    const permanent = error instanceof PermanentJobError;
    if (!context.signal.aborted && (permanent || context.attempt >= 3)) {
      log.warn("job_failed", {
        durationMs: Math.round(performance.now() - started),
        code: permanent ? error.code : undefined,
        error: (error as Error).message,
      });
    }
    throw error;
  }
}

async function renderLocally(
  context: JobContext<DocToVideoJobInput>,
  renderer: LocalVideoRenderer,
  script: string,
  language: Language,
) {
  const workDir = await Deno.makeTempDir({ prefix: "kiln-video-" });
  try {
    const result = await renderer.render({
      script,
      language,
      apiType: context.input.options.apiType,
      sentiment: context.input.options.sentiment,
      workDir,
      signal: context.signal,
      onSlide: (done, total) =>
        context.progress(45 + Math.round((done / total) * 40), `Rendering slide ${done} of ${total}`),
    });
    await context.progress(88, "Encoding the video");
    return { ...result, workDir };
  } catch (error) {
    await Deno.remove(workDir, { recursive: true }).catch(() => {});
    if (error instanceof MissingToolError) throw new PermanentJobError(error.message, "media_tool_missing");
    if (error instanceof ToolFailedError) throw new PermanentJobError(error.message, "media_tool_failed");
    throw error;
  }
}

/** Captions for a provider video: cues share its length in proportion to their words. */
function estimatedCaptions(script: string, seconds: number): string {
  const sentences = splitSentences(script);
  const words = sentences.map(countWords);
  const total = words.reduce((sum, count) => sum + count, 0) || 1;
  return webVtt(sentences, words.map((count) => (count / total) * seconds));
}

async function readText(blobs: BlobStore, key: string): Promise<string> {
  const stored = await blobs.get(key);
  if (!stored) throw new PermanentJobError("The extracted text is no longer stored.", "text_missing");
  return await new Response(stored.body).text();
}
