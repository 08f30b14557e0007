/**
 * PDF → text, contained: pdf.js runs in a child process (workers/pdf_text.ts, limits in
 * lib/doc_to_video/pdf_extract.ts) with a time limit and a memory cap, so a hostile PDF — 100,000
 * pages, a flate bomb, a parser loop — fails its own job with a clear code while the server keeps
 * answering. Also the checks that tell a user *why* a document cannot become a video: corrupt,
 * encrypted, too big, scanned (no text layer), empty or gibberish. Letters and digits are counted
 * with Unicode classes after NFKC, so Arabic and accented text pass.
 */
import { ContainedFailure, createContainedPool } from "../contain/pool.ts";
import { ContainedError, type ContainLimits } from "../contain/process.ts";
import { InvalidInputJobError } from "../jobs/types.ts";
import type { ExtractedText, PdfLimits } from "./pdf_extract.ts";

export type { ExtractedText };

export const maxDocumentChars = 50_000;
const minChars = 50;
const minLetterShare = 0.3;

export const pdfLimits: PdfLimits = {
  maxPages: 1_000,
  maxChars: maxDocumentChars,
  maxDecompressedBytes: 256 * 1024 * 1024,
};
/** One extraction: a minute and 1 GiB of resident memory. */
export const pdfReadLimits: ContainLimits = { timeoutMs: 60_000, memoryBytes: 1024 * 1024 * 1024 };

export interface PdfTextReader {
  /** Text of the PDF; InvalidInputJobError with a `pdf_*` code when the file is refused. */
  read(bytes: Uint8Array, signal?: AbortSignal): Promise<ExtractedText>;
  close(): Promise<void>;
}

const childModule = new URL("../../workers/pdf_text.ts", import.meta.url);

export function createPdfTextReader(
  options: { size?: number; limits?: ContainLimits; pdf?: PdfLimits } = {},
): PdfTextReader {
  const limits = options.limits ?? pdfReadLimits;
  const pool = createContainedPool({ module: childModule, size: options.size ?? 1, limits });
  return {
    async read(bytes, signal) {
      try {
        const { json } = await pool.run({ json: options.pdf ?? pdfLimits, buffers: [bytes] }, signal);
        return json as ExtractedText;
      } catch (error) {
        if (error instanceof ContainedFailure && error.code?.startsWith("pdf_")) {
          throw new InvalidInputJobError(error.message, error.code);
        }
        if (error instanceof ContainedError && error.code !== "contained_crashed") {
          // The same file breaks the same limit on every attempt.
          throw new InvalidInputJobError(
            `This PDF is too complex to read safely: ${error.message}`,
            "pdf_too_complex",
          );
        }
        throw error;
      }
    },
    close: () => pool.close(),
  };
}

/** Throws an InvalidInputJobError naming the problem when `text` cannot make a script. */
export function validateDocumentText(extracted: ExtractedText): void {
  const normalized = extracted.text.normalize("NFKC");
  const visible = normalized.replace(/\s+/g, "");
  if (visible.length === 0) {
    throw new InvalidInputJobError(
      `This PDF has no text layer (${extracted.pages} page${extracted.pages === 1 ? "" : "s"} of images): ` +
        "it looks scanned or empty. Upload a PDF with selectable text, or run OCR on it first.",
      "pdf_scanned",
    );
  }
  if (visible.length < minChars) {
    throw new InvalidInputJobError(
      `This PDF has only ${visible.length} characters of text; at least ${minChars} are needed.`,
      "pdf_too_little_text",
    );
  }
  const letters = (visible.match(/[\p{L}\p{N}]/gu) ?? []).length;
  if (letters / visible.length < minLetterShare) {
    throw new InvalidInputJobError(
      `Only ${Math.round((letters / visible.length) * 100)} % of this PDF's text is letters or digits ` +
        "(30 % needed): the text layer looks garbled.",
      "pdf_gibberish",
    );
  }
}
