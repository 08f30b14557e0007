/**
 * The layout step: the PDF's lines, figures and outline read with poppler (time-limited, bounded
 * pages) and stored as layout.json for the script and the video. Page visuals are an enhancement:
 * when poppler is missing or cannot read a PDF that text extraction could, the video falls back
 * to plain cards and the job goes on.
 */
import type { BlobStore } from "../blobs/types.ts";
import type { Logger } from "../log.ts";
import { listFigures, type PopplerBinaries, readLayout } from "../media/pdf_pages.ts";
import { MissingToolError, ToolFailedError, ToolTimeoutError } from "../media/tools.ts";
import { blobKeys } from "./keys.ts";
import { outlineOf } from "./outline.ts";
import type { StoredLayout } from "./storyboard.ts";

export async function readDocumentLayout(
  blobs: BlobStore,
  workId: string,
  poppler: PopplerBinaries,
  context: { log: Logger; signal: AbortSignal },
): Promise<StoredLayout | null> {
  const pdfPath = await Deno.makeTempFile({ prefix: "kiln-layout-", suffix: ".pdf" });
  try {
    const stored = await blobs.get(blobKeys.document(workId));
    if (!stored) return null;
    await Deno.writeFile(pdfPath, stored.body);
    const [layout, figures] = await Promise.all([
      readLayout(poppler, pdfPath, { signal: context.signal }),
      listFigures(poppler, pdfPath, { signal: context.signal }),
    ]);
    context.signal.throwIfAborted();
    const result: StoredLayout = { pages: layout.pages, figures, outline: outlineOf(layout) };
    await blobs.put(blobKeys.layout(workId), new TextEncoder().encode(JSON.stringify(result)), {
      contentType: "application/json",
    });
    context.log.info("document_layout", {
      pages: layout.pages.length,
      headings: result.outline.headings.length,
      figures: figures.length,
    });
    return result;
  } catch (error) {
    if (
      error instanceof MissingToolError || error instanceof ToolFailedError ||
      error instanceof ToolTimeoutError
    ) {
      context.log.warn("page_visuals_off", { reason: error.message });
      return null;
    }
    throw error;
  } finally {
    await Deno.remove(pdfPath).catch(() => {});
  }
}

export async function storedLayout(blobs: BlobStore, workId: string): Promise<StoredLayout | null> {
  const stored = await blobs.get(blobKeys.layout(workId));
  return stored ? JSON.parse(await new Response(stored.body).text()) as StoredLayout : null;
}
