/**
 * Web Worker: converts one TIFF per message so decoding and encoding never block the HTTP event
 * loop. Message in `{id, tiff: ArrayBuffer}`; out `{id, pages}` (JPEG buffers transferred, not
 * copied) or `{id, error, code, permanent}`.
 */
/// <reference lib="deno.worker" />
import { ConversionError, convertTiff } from "../lib/preprocess/convert.ts";

interface Request {
  id: number;
  tiff: ArrayBuffer;
}

self.onmessage = async (event: MessageEvent<Request>) => {
  const { id, tiff } = event.data;
  try {
    const pages = await convertTiff(new Uint8Array(tiff));
    self.postMessage({ id, pages }, pages.map((page) => page.jpeg.buffer as ArrayBuffer));
  } catch (error) {
    const permanent = error instanceof ConversionError;
    self.postMessage({
      id,
      error: error instanceof Error ? error.message : String(error),
      code: permanent ? error.code : "conversion_crashed",
      permanent,
    });
  }
};
