/**
 * PDF → text with unpdf, and the checks that tell a user *why* a document cannot become a video:
 * corrupt, encrypted, scanned (no text layer), empty or gibberish. Letters and digits are counted
 * with Unicode classes after NFKC, so Arabic and accented text pass.
 */
import { extractText, getDocumentProxy } from "unpdf";
import { InvalidInputJobError } from "../jobs/types.ts";

export const maxDocumentChars = 50_000;
const minChars = 50;
const minLetterShare = 0.3;

export interface ExtractedText {
  text: string;
  pages: number;
  truncated: boolean;
}

export async function extractPdfText(bytes: Uint8Array): Promise<ExtractedText> {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(new Uint8Array(bytes));
  } catch (error) {
    const name = (error as { name?: string }).name ?? "";
    if (name === "PasswordException") {
      throw new InvalidInputJobError(
        "This PDF is encrypted (password protected); remove the password and upload it again.",
        "pdf_encrypted",
      );
    }
    throw new InvalidInputJobError(
      "This file could not be read as a PDF (it is corrupt or not a PDF).",
      "pdf_corrupt",
    );
  }
  try {
    const { text, totalPages } = await extractText(pdf, { mergePages: true });
    const clean = text.replace(/[ \t]+/g, " ").replace(/\s*\n\s*/g, "\n").trim();
    return {
      text: clean.slice(0, maxDocumentChars),
      pages: totalPages,
      truncated: clean.length > maxDocumentChars,
    };
  } finally {
    await pdf.cleanup().catch(() => {});
  }
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
