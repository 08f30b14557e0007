/**
 * TIFF → JPEG for one file, every page at quality 95. utif2 parses the directories and enforces
 * the limits (dimensions, supported variants, clear error codes) for every file. Pixels then take
 * the fastest path available:
 * - sharp (libvips + libjpeg-turbo, native) decodes and encodes plain 8-bit gray/RGB/RGBA pages
 *   itself, and encodes every other page after utif2 decoded it;
 * - without sharp (no native addon, or no FFI permission) utif2 decodes and imagescript encodes.
 * Pure bytes in, bytes out, so the same code runs in the contained worker processes and single-threaded
 * (benchmark baseline). Failures a retry cannot fix throw `ConversionError`.
 */
import UTIF from "utif2";
import { Image } from "imagescript";
import { ConversionError } from "./convert_error.ts";
import { checkTiffStructure } from "./tiff_structure.ts";

export const jpegQuality = 95;

type Sharp = typeof import("sharp").default;
/** One libvips thread per call: the worker pool already runs one conversion per core. */
const sharp: Sharp | null = await import("sharp").then(({ default: loaded }) => {
  loaded.concurrency(1);
  loaded.cache(false);
  return loaded;
}).catch(() => null);

export const encoderName = sharp ? `sharp (libvips ${sharp.versions.vips})` : "imagescript";
/** Refuse pages larger than this, so one hostile file cannot exhaust a worker's memory. */
const maxPixelsPerPage = 120_000_000;

export interface ConvertedPage {
  /** 1-based page number. */
  page: number;
  width: number;
  height: number;
  jpeg: Uint8Array;
}

export { ConversionError };

// utif2's CMYK path reads `window.UDOC`; Deno (and its workers) have no `window`.
const globals = globalThis as unknown as { window?: unknown };
globals.window ??= {};

/** Decodes every page of `tiff` and encodes each as a JPEG. */
export async function convertTiff(tiff: Uint8Array): Promise<ConvertedPage[]> {
  const buffer = tiff.buffer.slice(tiff.byteOffset, tiff.byteOffset + tiff.byteLength) as ArrayBuffer;
  const { directories, pages } = readDirectories(buffer);
  const converted: ConvertedPage[] = [];
  for (const [index, ifd] of pages.entries()) {
    const page = index + 1;
    const { width, height } = checkPage(ifd, page);
    const gray = isGray(ifd);
    const jpeg = sharp && natively(ifd)
      ? await encodeNatively(sharp, tiff, directories.indexOf(ifd), page, gray)
      : await encodeRgba(decodePage(buffer, ifd, directories, page), width, height, gray);
    converted.push({ page, width, height, jpeg });
  }
  return converted;
}

/** Plain 8-bit gray/RGB/RGBA, chunky, uncompressed or LZW/deflate/PackBits: libvips reads it as is. */
function natively(ifd: UTIF.IFD): boolean {
  const photometric = tag(ifd, 262) ?? 2;
  return (photometric === 1 || photometric === 2) && (tag(ifd, 258) ?? 1) === 8 && (tag(ifd, 284) ?? 1) === 1;
}

/** Grayscale pages (black- or white-is-zero, any depth) become single-channel grayscale JPEGs. */
function isGray(ifd: UTIF.IFD): boolean {
  const photometric = tag(ifd, 262) ?? 2;
  return photometric === 0 || photometric === 1;
}

async function encodeNatively(
  sharp: Sharp,
  tiff: Uint8Array,
  directory: number,
  page: number,
  gray: boolean,
) {
  try {
    const output = await sharp(tiff, { page: directory, limitInputPixels: maxPixelsPerPage })
      .removeAlpha()
      .toColourspace(gray ? "b-w" : "srgb")
      .jpeg({ quality: jpegQuality, chromaSubsampling: "4:4:4" })
      .toBuffer();
    return new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
  } catch (error) {
    throw new ConversionError(`Page ${page} could not be decoded: ${describe(error)}`, "corrupt_tiff");
  }
}

async function encodeRgba(
  rgba: Uint8Array,
  width: number,
  height: number,
  gray: boolean,
): Promise<Uint8Array> {
  if (!sharp) {
    // imagescript writes colour JPEGs only: a gray page is encoded with three equal channels.
    const image = new Image(width, height);
    image.bitmap.set(rgba);
    return await image.encodeJPEG(jpegQuality);
  }
  const pixels = sharp(rgba, { raw: { width, height, channels: 4 } });
  // utif2 gives gray as R = G = B: keep one channel (16-bit samples are already scaled to 8 bits).
  const output = await (gray ? pixels.extractChannel(0).toColourspace("b-w") : pixels.removeAlpha())
    .jpeg({ quality: jpegQuality, chromaSubsampling: "4:4:4" })
    .toBuffer();
  return new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
}

function readDirectories(buffer: ArrayBuffer): { directories: UTIF.IFD[]; pages: UTIF.IFD[] } {
  // Not a TIFF, directory loops, forged counts and oversized files are refused before any parser runs.
  checkTiffStructure(new Uint8Array(buffer));
  let directories: UTIF.IFD[];
  try {
    directories = UTIF.decode(buffer);
  } catch (error) {
    throw new ConversionError(`Corrupt TIFF: ${describe(error)}`, "corrupt_tiff");
  }
  // Reduced-resolution images (NewSubfileType bit 0) are thumbnails, not pages.
  const pages = directories.filter((ifd) => tag(ifd, 256) && tag(ifd, 257) && !((tag(ifd, 254) ?? 0) & 1));
  if (pages.length === 0) throw new ConversionError("The TIFF contains no image.", "corrupt_tiff");
  return { directories, pages };
}

/** The page's size, after refusing what neither path supports. */
function checkPage(ifd: UTIF.IFD, page: number): { width: number; height: number } {
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
  return { width, height };
}

/** utif2's decoder: every variant `checkPage` accepts, as RGBA. */
function decodePage(buffer: ArrayBuffer, ifd: UTIF.IFD, all: UTIF.IFD[], page: number): Uint8Array {
  const width = Number(tag(ifd, 256));
  const height = Number(tag(ifd, 257));
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
  return rgba;
}

/** The first value of TIFF tag `id` in a directory (utif2 keys them "t<id>"). */
function tag(ifd: UTIF.IFD, id: number): number | undefined {
  const value = (ifd as unknown as Record<string, ArrayLike<number> | undefined>)[`t${id}`];
  return value?.[0] === undefined ? undefined : Number(value[0]);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
