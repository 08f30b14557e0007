/**
 * PDF → text with pdf.js (unpdf), as it runs inside the contained child (workers/pdf_text.ts): the
 * page count and the decompressed size are checked first (lib/doc_to_video/pdf_prescan.ts), then
 * pages are read one at a time and reading stops once enough text for a script is in hand. Refusals
 * throw errors with stable `pdf_*` codes.
 */
import { getDocumentProxy } from "unpdf";
import { PdfRefusedError, prescanPdf, tooManyPages } from "./pdf_prescan.ts";

export interface ExtractedText {
  text: string;
  pages: number;
  truncated: boolean;
}

export interface PdfLimits {
  /** Documents with more pages are refused before any page is read. */
  maxPages: number;
  /** Reading stops after this many characters (the script needs no more). */
  maxChars: number;
  /** Non-image Flate streams may inflate to at most this many bytes together. */
  maxDecompressedBytes: number;
}

export async function readPdfText(bytes: Uint8Array, limits: PdfLimits): Promise<ExtractedText> {
  await prescanPdf(bytes, limits);
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(new Uint8Array(bytes));
  } catch (error) {
    if ((error as { name?: string }).name === "PasswordException") {
      throw new PdfRefusedError(
        "This PDF is encrypted (password protected); remove the password and upload it again.",
        "pdf_encrypted",
      );
    }
    throw new PdfRefusedError(
      "This file could not be read as a PDF (it is corrupt or not a PDF).",
      "pdf_corrupt",
    );
  }
  try {
    // Pages inside compressed object streams escape the raw scan; pdf.js counts them all.
    if (pdf.numPages > limits.maxPages) throw tooManyPages(pdf.numPages, limits.maxPages);
    const texts: string[] = [];
    let chars = 0;
    for (let number = 1; number <= pdf.numPages && chars <= limits.maxChars; number++) {
      const content = await (await pdf.getPage(number)).getTextContent();
      const text = content.items.map((item) => "str" in item ? item.str + (item.hasEOL ? "\n" : "") : "")
        .join("");
      texts.push(text);
      chars += text.length;
    }
    const clean = texts.join("\n").replace(/[ \t]+/g, " ").replace(/\s*\n\s*/g, "\n").trim();
    return {
      text: clean.slice(0, limits.maxChars),
      pages: pdf.numPages,
      truncated: clean.length > limits.maxChars || texts.length < pdf.numPages,
    };
  } finally {
    await pdf.cleanup().catch(() => {});
  }
}
