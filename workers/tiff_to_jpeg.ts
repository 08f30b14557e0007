/**
 * Contained child (lib/contain/child.ts) converting one TIFF per request, so decoding and encoding
 * run in a process with its own time and memory limits, never on the server's event loop. Request:
 * the TIFF as the one buffer. Response: the pages' `{page, width, height}` as JSON and their JPEGs
 * as buffers, in order. A file the converter refuses answers a failure with its ConversionError code.
 */
import { serveContained } from "../lib/contain/child.ts";
import { ConversionError, convertTiff } from "../lib/preprocess/convert.ts";

await serveContained(async ({ buffers }) => {
  try {
    const pages = await convertTiff(buffers[0]);
    return {
      json: pages.map(({ page, width, height }) => ({ page, width, height })),
      buffers: pages.map((page) => page.jpeg),
    };
  } catch (error) {
    if (error instanceof ConversionError) throw error;
    throw Object.assign(new Error(error instanceof Error ? error.message : String(error)), {
      code: "conversion_crashed",
    });
  }
});
