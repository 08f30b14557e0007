/**
 * Rendering a script locally: the PDF and its layout out of the blob store into a work folder,
 * the storyboard (page images, figures), the voice the user picked (or the language's most
 * intelligible one), the render, and the finished files — video, captions, chapters, poster —
 * back into the blob store.
 */
import type { BlobStore } from "../blobs/types.ts";
import { PermanentJobError } from "../jobs/types.ts";
import type { JobContext } from "../jobs/types.ts";
import type { PopplerBinaries } from "../media/pdf_pages.ts";
import { MissingToolError, ToolFailedError, ToolTimeoutError } from "../media/tools.ts";
import { defaultVoice, type Voice } from "../media/voices.ts";
import type { LocalVideoRenderer } from "../providers/video/local.ts";
import { blobKeys } from "./keys.ts";
import { storedLayout } from "./layout_step.ts";
import type { DocToVideoJobInput } from "./options.ts";
import type { Language } from "./script_rules.ts";
import type { ScriptSection } from "./sections.ts";
import { storyboard } from "./storyboard.ts";

export interface LocalVideoDependencies {
  blobs: BlobStore;
  local: LocalVideoRenderer;
  poppler: PopplerBinaries;
  voices: () => Promise<Voice[]>;
}

export interface LocalVideoJob {
  sections: ScriptSection[];
  language: Language;
  pages: number;
  hasLayout: boolean;
}

export async function renderLocalVideo(
  context: JobContext<DocToVideoJobInput>,
  deps: LocalVideoDependencies,
  job: LocalVideoJob,
): Promise<{ seconds: number; voice: string }> {
  const { input, signal } = context;
  const voice = chooseVoice(await deps.voices(), input.options.voice, job.language);
  const workDir = await Deno.makeTempDir({ prefix: "kiln-video-" });
  try {
    const layout = job.hasLayout ? await storedLayout(deps.blobs, input.workId) : null;
    let pdfPath: string | undefined;
    if (layout) {
      const stored = await deps.blobs.get(blobKeys.document(input.workId));
      if (stored) await Deno.writeFile(pdfPath = `${workDir}/document.pdf`, stored.body);
    }
    await context.progress(50, "Laying out the pages");
    const scenes = await storyboard({
      sections: job.sections,
      language: job.language,
      pageCount: job.pages,
      ...(layout && pdfPath ? { layout, pdfPath } : {}),
      poppler: deps.poppler,
      workDir,
      signal,
    });
    const result = await deps.local.render({
      scenes,
      language: job.language,
      apiType: input.options.apiType,
      sentiment: input.options.sentiment,
      voice,
      workDir,
      signal,
      onSpoken: (done, total) =>
        context.progress(55 + Math.round((done / total) * 30), `Narrating sentence ${done} of ${total}`),
    });
    await context.progress(90, "Saving the video");
    await deps.blobs.put(blobKeys.video(input.workId), await Deno.readFile(result.videoPath), {
      contentType: "video/mp4",
    });
    await deps.blobs.put(blobKeys.captions(input.workId), new TextEncoder().encode(result.captions));
    await deps.blobs.put(blobKeys.chapters(input.workId), new TextEncoder().encode(result.chapters));
    await deps.blobs.put(blobKeys.poster(input.workId), await Deno.readFile(result.posterPath), {
      contentType: "image/jpeg",
    });
    context.log.info("video_rendered", {
      scenes: scenes.length,
      pageVisuals: layout !== null,
      voice: voice.id,
      exactWordTimes: result.exactWordTimes,
    });
    return { seconds: result.durationSeconds, voice: voice.id };
  } catch (error) {
    if (error instanceof MissingToolError) throw new PermanentJobError(error.message, "media_tool_missing");
    if (error instanceof ToolTimeoutError) throw new PermanentJobError(error.message, "media_tool_timeout");
    if (error instanceof ToolFailedError) throw new PermanentJobError(error.message, "media_tool_failed");
    throw error;
  } finally {
    await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
}

/** The requested voice when it is installed and speaks the document's language, else the language's best. */
export function chooseVoice(voices: Voice[], requested: string, language: Language): Voice {
  const wanted = voices.find((voice) => voice.id === requested && voice.language === language);
  const voice = wanted ?? defaultVoice(voices, language);
  if (!voice) {
    throw new PermanentJobError(
      `No ${language === "ar" ? "Arabic" : "English"} voice is installed; install one with: ` +
        "apt-get install -y --no-install-recommends flite espeak-ng",
      "voice_missing",
    );
  }
  return voice;
}
