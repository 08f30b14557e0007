/**
 * The doc-to-video job: extract → layout → script → (review) → video → store. Each step is a
 * checkpoint, so a retry or a restart after a crash resumes after the last finished step instead of
 * paying for the LLM or the video provider twice. With `review`, the job ends after the script
 * (facts say `pending`); confirming the edited script starts a second job (`reviewOf`) that renders it.
 */
import type { KvStore } from "../store/types.ts";
import { PermanentJobError } from "../jobs/types.ts";
import type { JobContext } from "../jobs/types.ts";
import type { BlobStore } from "../blobs/types.ts";
import { chaptersVtt, estimatedCues, webVtt } from "../media/captions.ts";
import type { PopplerBinaries } from "../media/pdf_pages.ts";
import type { Voice } from "../media/voices.ts";
import type { ChatModel } from "../providers/llm/types.ts";
import type { LocalVideoRenderer } from "../providers/video/local.ts";
import type { RemoteVideoProvider } from "../providers/video/types.ts";
import { estimateCost } from "./cost.ts";
import { type PdfTextReader, validateDocumentText } from "./document_text.ts";
import { readFacts, updateFacts } from "./job_facts.ts";
import { blobKeys } from "./keys.ts";
import { readDocumentLayout, storedLayout } from "./layout_step.ts";
import { renderLocalVideo } from "./local_video.ts";
import type { DocToVideoJobInput } from "./options.ts";
import { locate, partsOf } from "./outline.ts";
import { countWords, detectLanguage, type Language } from "./script_rules.ts";
import { renderRemotely } from "./remote_video.ts";
import { cachedScript } from "./script_cache.ts";
import { type ScriptSection, scriptText } from "./sections.ts";
import { captionCut, splitSentences } from "../media/sentences.ts";
import type { SourcePart } from "./summariser.ts";
import { webhookToken } from "./webhook.ts";

export interface PipelineDependencies {
  kv: KvStore;
  blobs: BlobStore;
  chat?: ChatModel;
  remote?: RemoteVideoProvider;
  local: LocalVideoRenderer;
  /** Contained PDF text extraction (never on the event loop). */
  pdf: PdfTextReader;
  poppler: PopplerBinaries;
  /** The voices installed on this machine. */
  voices: () => Promise<Voice[]>;
  webhookSecret: string;
  publicUrl: () => string;
  pollMs: number;
  /** Told about each finished video (for metrics). */
  onVideo?: (video: { provider: string; seconds: number; costUsd: number }) => void;
}

export type DocToVideoResult =
  | { awaitingReview: true; scriptKey: string }
  | { videoKey: string; captionsKey: string; scriptKey: string; videoSeconds: number };

interface Prepared {
  language: Language;
  pages: number;
  hasLayout: boolean;
  sections: ScriptSection[];
  scriptBy: { writer: string; model: string; usage: { promptTokens: number; completionTokens: number } };
}

export async function runDocToVideo(
  context: JobContext<DocToVideoJobInput>,
  deps: PipelineDependencies,
): Promise<DocToVideoResult> {
  const { input, log } = context;
  const started = performance.now();
  // The facts (script, files, cost) live under the id the user holds: the reviewed job's, if any.
  const factsId = input.reviewOf ?? context.jobId;
  try {
    const prepared = input.reviewOf
      ? await reviewedScript(deps.kv, factsId)
      : await writeSections(context, deps);
    if (!input.reviewOf && input.options.review) {
      await updateFacts(deps.kv, factsId, (facts) => ({ ...facts!, review: "pending" }));
      await context.progress(100, "Waiting for your review");
      log.info("script_awaiting_review", { sections: prepared.sections.length });
      return { awaitingReview: true, scriptKey: blobKeys.script(input.workId) };
    }

    await context.progress(45, "Rendering the video");
    const rendered = await context.checkpoint("video", async () => {
      const renderStarted = performance.now();
      const outcome: { seconds: number; provider: string; extras: boolean; voice?: string } = deps.remote
        ? await remoteVideo(context, deps, prepared)
        : { ...await renderLocalVideo(context, deps, prepared), provider: deps.local.name, extras: true };
      log.info("video_ready", {
        provider: outcome.provider,
        videoSeconds: Math.round(outcome.seconds * 10) / 10,
        durationMs: Math.round(performance.now() - renderStarted),
      });
      return outcome;
    });

    const cost = estimateCost({
      ...prepared.scriptBy,
      videoProvider: rendered.provider,
      apiType: input.options.apiType,
      videoSeconds: rendered.seconds,
    });
    await updateFacts(deps.kv, factsId, (facts) => ({
      ...facts!,
      workId: input.workId,
      cost,
      videoProvider: rendered.provider,
      videoSeconds: rendered.seconds,
      hasVideo: true,
      hasChapters: true,
      hasPoster: rendered.extras,
      ...(rendered.voice ? { voice: rendered.voice } : {}),
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
      videoKey: blobKeys.video(input.workId),
      captionsKey: blobKeys.captions(input.workId),
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

/** Extract the text, read the layout, write the sections (each a checkpoint). */
async function writeSections(
  context: JobContext<DocToVideoJobInput>,
  deps: PipelineDependencies,
): Promise<Prepared> {
  const { input, log } = context;
  await context.progress(5, "Reading the PDF");
  const document = await context.checkpoint("extract", async () => {
    const stored = await deps.blobs.get(blobKeys.document(input.workId));
    if (!stored) throw new PermanentJobError("The uploaded PDF is no longer stored.", "document_missing");
    const bytes = new Uint8Array(await new Response(stored.body).arrayBuffer());
    const extracted = await deps.pdf.read(bytes, context.signal);
    validateDocumentText(extracted);
    context.signal.throwIfAborted();
    await deps.blobs.put(blobKeys.text(input.workId), new TextEncoder().encode(extracted.text));
    log.info("document_extracted", { pages: extracted.pages, chars: extracted.text.length });
    return { pages: extracted.pages, language: detectLanguage(extracted.text) as Language };
  });

  await context.progress(12, "Finding pages and figures");
  // The layout can be large: it lives in layout.json, the checkpoint only says whether it exists.
  const { hasLayout } = await context.checkpoint("layout", async () => ({
    hasLayout: (await readDocumentLayout(deps.blobs, input.workId, deps.poppler, context)) !== null,
  }));

  await context.progress(20, "Writing the script");
  return await context.checkpoint("script", async () => {
    const read = hasLayout ? await storedLayout(deps.blobs, input.workId) : null;
    // Sections follow the headings when the layout covers the whole document; a longer one (the
    // layout reads its first pages only) is summarised from all of its text instead.
    const layoutParts = read && read.pages.length >= document.pages ? partsOf(read, read.outline) : [];
    const parts: SourcePart[] = layoutParts.length > 0
      ? layoutParts
      : [{ text: await readText(deps.blobs, blobKeys.text(input.workId)) }];
    const layout = { hasLayout: read !== null, pages: read?.pages ?? [] };
    const result = await cachedScript(deps.kv, input, parts, document.language, deps.chat, {
      log,
      signal: context.signal,
    });
    // Each section names the page it comes from (the writer's citation, checked against the layout).
    const sections = result.script.sections.map((section) => {
      const place = locate(section.text, layout.pages, section.page);
      const { page: _cited, ...rest } = section;
      return place ? { ...rest, page: place.page } : rest;
    });
    await deps.blobs.put(blobKeys.script(input.workId), new TextEncoder().encode(scriptText(sections)));
    await updateFacts(deps.kv, context.jobId, (facts) => ({
      ...facts,
      workId: input.workId,
      script: scriptText(sections),
      sections,
      pages: document.pages,
      hasLayout: layout.hasLayout,
      language: result.script.language,
      words: result.script.words,
      estimatedSeconds: result.script.estimatedSeconds,
      scriptCached: result.cached,
      scriptBy: { writer: result.script.writer, model: result.script.model, usage: result.script.usage },
    }));
    return {
      language: document.language,
      pages: document.pages,
      hasLayout: layout.hasLayout,
      sections,
      scriptBy: { writer: result.script.writer, model: result.script.model, usage: result.script.usage },
    };
  });
}

/** The confirmed (possibly edited) script of the reviewed job. */
async function reviewedScript(kv: KvStore, factsId: string): Promise<Prepared> {
  const facts = await readFacts(kv, factsId);
  if (!facts?.sections || !facts.language || !facts.scriptBy) {
    throw new PermanentJobError("The reviewed script is no longer stored.", "script_missing");
  }
  return {
    language: facts.language,
    pages: facts.pages ?? 1,
    hasLayout: facts.hasLayout ?? false,
    sections: facts.sections,
    // The script was paid for by the reviewed job; its tokens are counted once, there.
    scriptBy: { ...facts.scriptBy, usage: { promptTokens: 0, completionTokens: 0 } },
  };
}

async function remoteVideo(
  context: JobContext<DocToVideoJobInput>,
  deps: PipelineDependencies,
  prepared: Prepared,
) {
  const { input } = context;
  const script = scriptText(prepared.sections);
  const webhookUrl = `${deps.publicUrl()}/api/did-webhook?job=${context.jobId}&token=${await webhookToken(
    deps.webhookSecret,
    context.jobId,
  )}`;
  const { state, body } = await renderRemotely(
    context as JobContext<unknown>,
    deps.kv,
    deps.remote!,
    { ...input.options, script, language: prepared.language, webhookUrl },
    deps.pollMs,
  );
  await context.progress(85, "Saving the video");
  await deps.blobs.put(blobKeys.video(input.workId), body, { contentType: "video/mp4" });
  const seconds = state.durationSeconds ?? Math.round((countWords(script) / 150) * 60);
  // Provider videos come without word times: cues and chapters share the length by word count.
  const cues = estimatedCues(splitSentences(script, captionCut), seconds);
  await deps.blobs.put(blobKeys.captions(input.workId), new TextEncoder().encode(webVtt(cues)));
  const chapterCues = estimatedCues(prepared.sections.map((section) => section.text), seconds);
  const chapters = chapterCues.map((cue, index) => ({ ...cue, title: prepared.sections[index].title }));
  await deps.blobs.put(blobKeys.chapters(input.workId), new TextEncoder().encode(chaptersVtt(chapters)));
  return { seconds, provider: deps.remote!.name, extras: false };
}

async function readText(blobs: BlobStore, key: string): Promise<string> {
  const stored = await blobs.get(key);
  if (!stored) throw new PermanentJobError("The extracted text is no longer stored.", "text_missing");
  return await new Response(stored.body).text();
}
