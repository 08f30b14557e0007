/**
 * Limits of a PDF checked on its raw bytes before pdf.js reads it:
 * - **pages**: page objects are counted (and the page tree's largest `/Count` read) with one linear
 *   scan, so a 100,000-page file is refused in milliseconds; pages hidden in compressed object
 *   streams are caught by pdf.js's own count afterwards (lib/doc_to_video/pdf_extract.ts);
 * - **decompressed size**: every Flate stream text extraction may decode (content streams, object
 *   streams, fonts — not images, which it never decompresses) is inflated in small steps and
 *   counted without keeping the output; the scan stops as soon as the total passes the limit, so a
 *   3 MB flate bomb costs a few hundred megabytes of counting, never gigabytes held in memory.
 */

export class PdfRefusedError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = "PdfRefusedError";
  }
}

export function tooManyPages(pages: number, maxPages: number): PdfRefusedError {
  return new PdfRefusedError(
    `This PDF has ${pages} pages; at most ${maxPages} are accepted.`,
    "pdf_too_many_pages",
  );
}

export async function prescanPdf(
  pdf: Uint8Array,
  limits: { maxPages: number; maxDecompressedBytes: number },
): Promise<void> {
  // latin1 maps every byte to one UTF-16 unit, so string indexes are byte offsets.
  const text = new TextDecoder("latin1").decode(pdf);
  const pages = countPages(text);
  if (pages > limits.maxPages) throw tooManyPages(pages, limits.maxPages);
  await checkDecompressedSize(pdf, text, limits.maxDecompressedBytes);
}

/** Page objects in the file's plain text, or the page tree's largest /Count if that is larger. */
function countPages(text: string): number {
  const objects = text.match(/\/Type\s*\/Page(?![A-Za-z])/g)?.length ?? 0;
  let declared = 0;
  for (const match of text.matchAll(/\/Type\s*\/Pages\b[^>]{0,200}?\/Count\s+(\d{1,12})/g)) {
    declared = Math.max(declared, Number(match[1]));
  }
  return Math.max(objects, declared);
}

async function checkDecompressedSize(pdf: Uint8Array, text: string, limit: number): Promise<void> {
  const streamStart = /stream\r?\n/g;
  let total = 0;
  let match: RegExpExecArray | null;
  while ((match = streamStart.exec(text))) {
    const dataStart = match.index + match[0].length;
    const dataEnd = text.indexOf("endstream", dataStart);
    if (dataEnd < 0) break;
    streamStart.lastIndex = dataEnd + "endstream".length;
    const dictionary = dictionaryBefore(text, match.index);
    if (!dictionary || !/\/FlateDecode\b/.test(dictionary) || /\/Subtype\s*\/Image\b/.test(dictionary)) {
      continue;
    }
    total += await inflatedSize(pdf.subarray(dataStart, dataEnd), limit - total);
    if (total > limit) {
      throw new PdfRefusedError(
        `This PDF's compressed content expands to more than ${Math.round(limit / 1024 / 1024)} MiB; ` +
          "it cannot be read safely.",
        "pdf_decompression_limit",
      );
    }
  }
}

/** The `<< … >>` dictionary that ends right before a `stream` keyword, if there is one. */
function dictionaryBefore(text: string, streamAt: number): string | undefined {
  const head = text.slice(Math.max(0, streamAt - 4096), streamAt);
  const end = head.lastIndexOf(">>");
  if (end < 0 || head.slice(end + 2).trim() !== "") return undefined;
  const start = head.lastIndexOf("obj");
  return head.slice(start < 0 ? 0 : start, end + 2);
}

/** Input fed to the inflater per step: one step can produce at most ~1 MiB (deflate's ratio ≤ 1032). */
const stepBytes = 1024;

/** Inflated length of one zlib stream, counted up to just past `budget`; what inflated before an error. */
async function inflatedSize(data: Uint8Array, budget: number): Promise<number> {
  let offset = 0;
  const input = new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(controller) {
      if (offset >= data.byteLength) return controller.close();
      controller.enqueue(data.slice(offset, offset + stepBytes));
      offset += stepBytes;
    },
  }, { highWaterMark: 0 });
  const reader = input.pipeThrough(new DecompressionStream("deflate")).getReader();
  let size = 0;
  try {
    while (size <= budget) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
    }
  } catch {
    // Corrupt or truncated: pdf.js decides what to make of it; what inflated so far still counts.
  } finally {
    await reader.cancel().catch(() => {});
  }
  return size;
}
