/**
 * TIFF → JPEG for one file: every page decoded with utif2 and encoded at quality 95 with
 * imagescript. Pure bytes in, bytes out, so the same code runs inside the Web Worker pool and
 * single-threaded (benchmark baseline). Failures a retry cannot fix throw `ConversionError`.
 */
import UTIF from "utif2";
import { Image } from "imagescript";

export const jpegQuality = 95;
export const encoderName = "imagescript";
/** Refuse pages larger than this, so one hostile file cannot exhaust a worker's memory. */
const maxPixelsPerPage = 120_000_000;

export interface ConvertedPage {
  /** 1-based page number. */
  page: number;
  width: number;
  height: number;
  jpeg: Uint8Array;
}

/** The file cannot be converted (corrupt, truncated, unsupported variant): retrying will not help. */
export class ConversionError extends Error {
  constructor(message: string, readonly code = "unsupported_tiff") {
    super(message);
    this.name = "ConversionError";
  }
}

// utif2's CMYK path reads `window.UDOC`; Deno (and its workers) have no `window`.
const globals = globalThis as unknown as { window?: unknown };
globals.window ??= {};

/** Decodes every page of `tiff` and encodes each as a JPEG. */
export async function convertTiff(tiff: Uint8Array): Promise<ConvertedPage[]> {
  const buffer = tiff.buffer.slice(tiff.byteOffset, tiff.byteOffset + tiff.byteLength) as ArrayBuffer;
  const pages = decodePages(buffer);
  const converted: ConvertedPage[] = [];
  for (const [index, page] of pages.entries()) {
    const image = new Image(page.width, page.height);
    image.bitmap.set(page.rgba);
    converted.push({
      page: index + 1,
      width: page.width,
      height: page.height,
      jpeg: await image.encodeJPEG(jpegQuality),
    });
  }
  return converted;
}

interface DecodedPage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

function decodePages(buffer: ArrayBuffer): DecodedPage[] {
  const bytes = new Uint8Array(buffer);
  const order = String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0);
  if (bytes.length < 8 || (order !== "II" && order !== "MM")) {
    throw new ConversionError("Not a TIFF file (missing II/MM byte-order header).", "not_a_tiff");
  }
  let directories: UTIF.IFD[];
  try {
    directories = UTIF.decode(buffer);
  } catch (error) {
    throw new ConversionError(`Corrupt TIFF: ${describe(error)}`, "corrupt_tiff");
  }
  // Reduced-resolution images (NewSubfileType bit 0) are thumbnails, not pages.
  const pages = directories.filter((ifd) => tag(ifd, 256) && tag(ifd, 257) && !((tag(ifd, 254) ?? 0) & 1));
  if (pages.length === 0) throw new ConversionError("The TIFF contains no image.", "corrupt_tiff");
  return pages.map((ifd, index) => decodePage(buffer, ifd, directories, index + 1));
}

function decodePage(buffer: ArrayBuffer, ifd: UTIF.IFD, all: UTIF.IFD[], page: number): DecodedPage {
  const width = Number(tag(ifd, 256));
  const height = Number(tag(ifd, 257));
  if (!(width > 0 && height > 0) || width * height > maxPixelsPerPage) {
    throw new ConversionError(`Page ${page} has unsupported dimensions ${width}×${height}.`);
  }
  const photometric = tag(ifd, 262) ?? 2;
  const bits = tag(ifd, 258) ?? 1;
  if (![0, 1, 2, 3, 5].includes(photometric)) {
    throw new ConversionError(`Page ${page}: photometric interpretation ${photometric} is not supported.`);
  }
  if (![1, 2, 4, 8, 16].includes(bits)) {
    throw new ConversionError(`Page ${page}: ${bits} bits per sample is not supported.`);
  }
  if (photometric === 5 && bits !== 8) {
    throw new ConversionError(`Page ${page}: CMYK with ${bits} bits per sample is not supported.`);
  }
  let rgba: Uint8Array;
  try {
    // utif2 needs every directory for files whose pages share tables (its typings omit the argument).
    (UTIF.decodeImage as (buffer: ArrayBuffer, ifd: UTIF.IFD, all: UTIF.IFD[]) => void)(buffer, ifd, all);
    rgba = UTIF.toRGBA8(ifd);
  } catch (error) {
    throw new ConversionError(`Page ${page} could not be decoded: ${describe(error)}`, "corrupt_tiff");
  }
  if (rgba.length !== width * height * 4) {
    throw new ConversionError(`Page ${page} is truncated (pixel data shorter than ${width}×${height}).`);
  }
  return { width, height, rgba };
}

/** The first value of TIFF tag `id` in a directory (utif2 keys them "t<id>"). */
function tag(ifd: UTIF.IFD, id: number): number | undefined {
  const value = (ifd as unknown as Record<string, ArrayLike<number> | undefined>)[`t${id}`];
  return value?.[0] === undefined ? undefined : Number(value[0]);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
