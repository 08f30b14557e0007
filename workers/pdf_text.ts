/**
 * Contained child (lib/contain/child.ts) extracting a PDF's text, so pdf.js runs in a process with
 * its own time and memory limits, never on the server's event loop. Request: the limits
 * (`PdfLimits`) as JSON and the PDF as the one buffer. Response: `ExtractedText` as JSON. A refused
 * file answers a failure with its `pdf_*` code.
 */
import { serveContained } from "../lib/contain/child.ts";
import { type PdfLimits, readPdfText } from "../lib/doc_to_video/pdf_extract.ts";

await serveContained(async ({ json, buffers }) => ({
  json: await readPdfText(buffers[0], json as PdfLimits),
  buffers: [],
}));
