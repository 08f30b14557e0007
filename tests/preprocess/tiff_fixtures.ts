/**
 * A small TIFF writer for tests: every variant the converter must handle (byte order, 8/16 bits,
 * gray / RGB(A) / CMYK / palette, none / LZW / deflate / PackBits, several pages), with a known
 * pixel pattern so a test can decode the JPEG back and compare colours.
 */
import assert from "node:assert/strict";
import type { Image } from "imagescript";

export type Compression = "none" | "lzw" | "deflate" | "packbits";
export type Colour = "gray" | "gray-white-is-zero" | "rgb" | "rgba" | "cmyk" | "palette";

export interface PageSpec {
  width: number;
  height: number;
  colour: Colour;
  bits?: 8 | 16;
  compression?: Compression;
}

export interface TiffSpec {
  pages: PageSpec[];
  bigEndian?: boolean;
}

/** The RGB colour a pixel of the test pattern should show after conversion. */
export function expectedRgb(page: PageSpec, x: number, y: number): [number, number, number] {
  const [r, g, b] = pattern(page, x, y);
  if (page.colour === "gray" || page.colour === "gray-white-is-zero") {
    const level = grayLevel(page, x, y);
    return [level, level, level];
  }
  if (page.colour === "palette") return paletteColour(paletteIndex(page, x, y));
  return [r, g, b];
}

function pattern(page: PageSpec, x: number, y: number): [number, number, number] {
  return [
    Math.round((x * 255) / Math.max(1, page.width - 1)),
    Math.round((y * 255) / Math.max(1, page.height - 1)),
    x < page.width / 2 ? 40 : 200,
  ];
}

function grayLevel(page: PageSpec, x: number, y: number): number {
  return Math.round(((x + y) * 255) / Math.max(1, page.width + page.height - 2));
}

function paletteIndex(page: PageSpec, x: number, y: number): number {
  return (Math.floor((x * 4) / page.width) + 4 * Math.floor((y * 4) / page.height)) & 15;
}

function paletteColour(index: number): [number, number, number] {
  return [(index * 17) & 255, (255 - index * 13) & 255, (index * 53) & 255];
}

/** Samples of one pixel as stored in the file (before byte order), at the page's bit depth. */
function samples(page: PageSpec, x: number, y: number): number[] {
  const wide = page.bits === 16;
  const scale = (value: number) => (wide ? value * 257 : value);
  const [r, g, b] = pattern(page, x, y);
  switch (page.colour) {
    case "gray":
      return [scale(grayLevel(page, x, y))];
    case "gray-white-is-zero":
      return [scale(255 - grayLevel(page, x, y))];
    case "rgb":
      return [r, g, b].map(scale);
    case "rgba":
      return [r, g, b, 255].map(scale);
    case "cmyk":
      // K = 0, so C/M/Y are simply the inverted channels.
      return [255 - r, 255 - g, 255 - b, 0];
    case "palette":
      return [paletteIndex(page, x, y)];
  }
}

const photometricOf: Record<Colour, number> = {
  "gray-white-is-zero": 0,
  gray: 1,
  rgb: 2,
  rgba: 2,
  palette: 3,
  cmyk: 5,
};

const compressionOf: Record<Compression, number> = { none: 1, lzw: 5, deflate: 8, packbits: 32773 };

interface Entry {
  tag: number;
  type: 3 | 4;
  values: number[];
}

/** Encodes the pages into one TIFF file. */
export async function encodeTiff(spec: TiffSpec): Promise<Uint8Array> {
  const bigEndian = spec.bigEndian ?? false;
  const out = new ByteWriter(bigEndian);
  out.bytes(new TextEncoder().encode(bigEndian ? "MM" : "II"));
  out.u16(42);
  let pointerAt = out.length;
  out.u32(0);
  for (const page of spec.pages) {
    const strip = await compress(rawPixels(page, bigEndian), page.compression ?? "none");
    const stripOffset = out.length;
    out.bytes(strip);
    if (out.length % 2) out.u8(0);
    const entries = pageEntries(page, stripOffset, strip.length);
    // Out-of-line values first, then the directory pointing at them.
    const offsets = new Map<number, number>();
    for (const entry of entries) {
      if (entry.values.length * (entry.type === 3 ? 2 : 4) <= 4) continue;
      offsets.set(entry.tag, out.length);
      for (const value of entry.values) entry.type === 3 ? out.u16(value) : out.u32(value);
    }
    const directoryAt = out.length;
    out.patch32(pointerAt, directoryAt);
    out.u16(entries.length);
    for (const entry of entries) {
      out.u16(entry.tag);
      out.u16(entry.type);
      out.u32(entry.values.length);
      if (offsets.has(entry.tag)) out.u32(offsets.get(entry.tag)!);
      else if (entry.type === 3) {
        out.u16(entry.values[0]);
        out.u16(entry.values[1] ?? 0);
      } else out.u32(entry.values[0]);
    }
    pointerAt = out.length;
    out.u32(0);
  }
  return out.result();
}

function pageEntries(page: PageSpec, stripOffset: number, stripLength: number): Entry[] {
  const perPixel = samples(page, 0, 0).length;
  const bits = page.colour === "palette" || page.colour === "cmyk" ? 8 : page.bits ?? 8;
  const entries: Entry[] = [
    { tag: 256, type: 4, values: [page.width] },
    { tag: 257, type: 4, values: [page.height] },
    { tag: 258, type: 3, values: Array(perPixel).fill(bits) },
    { tag: 259, type: 3, values: [compressionOf[page.compression ?? "none"]] },
    { tag: 262, type: 3, values: [photometricOf[page.colour]] },
    { tag: 273, type: 4, values: [stripOffset] },
    { tag: 277, type: 3, values: [perPixel] },
    { tag: 278, type: 4, values: [page.height] },
    { tag: 279, type: 4, values: [stripLength] },
    { tag: 284, type: 3, values: [1] },
  ];
  if (page.colour === "palette") {
    const map: number[] = [];
    for (let channel = 0; channel < 3; channel++) {
      for (let index = 0; index < 256; index++) map.push(paletteColour(index & 15)[channel] * 257);
    }
    entries.push({ tag: 320, type: 3, values: map });
  }
  if (page.colour === "rgba") entries.push({ tag: 338, type: 3, values: [2] });
  return entries;
}

function rawPixels(page: PageSpec, bigEndian: boolean): Uint8Array {
  const wide = page.bits === 16 && page.colour !== "palette" && page.colour !== "cmyk";
  const out: number[] = [];
  for (let y = 0; y < page.height; y++) {
    for (let x = 0; x < page.width; x++) {
      for (const value of samples(page, x, y)) {
        if (!wide) out.push(value);
        else if (bigEndian) out.push(value >> 8, value & 255);
        else out.push(value & 255, value >> 8);
      }
    }
  }
  return new Uint8Array(out);
}

async function compress(data: Uint8Array, compression: Compression): Promise<Uint8Array> {
  if (compression === "none") return data;
  if (compression === "packbits") return packBits(data);
  if (compression === "lzw") return lzw(data);
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function packBits(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let index = 0;
  while (index < data.length) {
    let run = 1;
    while (index + run < data.length && run < 128 && data[index + run] === data[index]) run++;
    if (run >= 3) {
      out.push(257 - run, data[index]);
      index += run;
      continue;
    }
    const start = index;
    while (index < data.length && index - start < 128) {
      if (index + 2 < data.length && data[index] === data[index + 1] && data[index] === data[index + 2]) {
        break;
      }
      index++;
    }
    out.push(index - start - 1, ...data.subarray(start, index));
  }
  return new Uint8Array(out);
}

/**
 * TIFF LZW: MSB-first codes, Clear 256, EOI 257. The code width grows when the decoder's table
 * reaches 511/1023/2047 entries, one code later than the encoder's table (it adds entries a step behind).
 */
function lzw(data: Uint8Array): Uint8Array {
  const bits = new BitWriter();
  const widthFor = (nextCode: number) =>
    nextCode >= 2048 ? 12 : nextCode >= 1024 ? 11 : nextCode >= 512 ? 10 : 9;
  let table = new Map<string, number>();
  let next = 258;
  bits.write(256, 9);
  let prefix = -1;
  for (const byte of data) {
    if (prefix < 0) {
      prefix = byte;
      continue;
    }
    const key = `${prefix},${byte}`;
    const found = table.get(key);
    if (found !== undefined) {
      prefix = found;
      continue;
    }
    bits.write(prefix, widthFor(next));
    table.set(key, next++);
    prefix = byte;
    if (next >= 4094) {
      bits.write(256, widthFor(next));
      table = new Map();
      next = 258;
    }
  }
  if (prefix >= 0) bits.write(prefix, widthFor(next));
  bits.write(257, widthFor(prefix >= 0 ? next + 1 : next));
  return bits.result();
}

class BitWriter {
  #bytes: number[] = [];
  #buffer = 0;
  #count = 0;
  write(code: number, width: number) {
    this.#buffer = (this.#buffer << width) | code;
    this.#count += width;
    while (this.#count >= 8) {
      this.#bytes.push((this.#buffer >> (this.#count - 8)) & 255);
      this.#count -= 8;
    }
    this.#buffer &= (1 << this.#count) - 1;
  }
  result(): Uint8Array {
    if (this.#count > 0) this.#bytes.push((this.#buffer << (8 - this.#count)) & 255);
    return new Uint8Array(this.#bytes);
  }
}

class ByteWriter {
  #bytes: number[] = [];
  constructor(private bigEndian: boolean) {}
  get length() {
    return this.#bytes.length;
  }
  u8(value: number) {
    this.#bytes.push(value & 255);
  }
  u16(value: number) {
    if (this.bigEndian) this.#bytes.push((value >> 8) & 255, value & 255);
    else this.#bytes.push(value & 255, (value >> 8) & 255);
  }
  u32(value: number) {
    const parts = [(value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
    this.#bytes.push(...(this.bigEndian ? parts : parts.reverse()));
  }
  bytes(data: Uint8Array) {
    for (const byte of data) this.#bytes.push(byte);
  }
  patch32(at: number, value: number) {
    const parts = [(value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
    const ordered = this.bigEndian ? parts : parts.reverse();
    for (let index = 0; index < 4; index++) this.#bytes[at + index] = ordered[index];
  }
  result(): Uint8Array {
    return new Uint8Array(this.#bytes);
  }
}

/** Bytes that start like a TIFF but whose directory points past the end. */
export function corruptTiff(): Uint8Array {
  return new Uint8Array([0x49, 0x49, 42, 0, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3, 4]);
}

export const colours: Colour[] = ["gray", "gray-white-is-zero", "rgb", "rgba", "cmyk", "palette"];
export const compressions: Compression[] = ["none", "lzw", "deflate", "packbits"];

/** The batch test's 96 files: colours × 8/16 bits × compressions × byte orders, in a fixed order. */
export function variant(index: number): { page: PageSpec; bigEndian: boolean } {
  return {
    page: {
      width: 40 + (index % 7) * 3,
      height: 30 + (index % 5) * 2,
      colour: colours[index % colours.length],
      bits: index % 2 === 0 ? 8 : 16,
      compression: compressions[Math.floor(index / 6) % compressions.length],
    },
    bigEndian: Math.floor(index / 3) % 2 === 1,
  };
}

/** Samples four pixels of a decoded JPEG against the generated page (JPEG noise allowed). */
export function assertPixelsClose(image: Image, page: PageSpec, what: string) {
  for (
    const [x, y] of [[2, 2], [page.width - 3, 3], [page.width >> 1, page.height >> 1], [4, page.height - 3]]
  ) {
    const [r, g, b] = image.getRGBAAt(x + 1, y + 1);
    const [er, eg, eb] = expectedRgb(page, x, y);
    const difference = Math.max(Math.abs(r - er), Math.abs(g - eg), Math.abs(b - eb));
    assert.ok(
      difference <= 16,
      `${what} pixel (${x},${y}) is ${[r, g, b]} but should be near ${[er, eg, eb]}`,
    );
  }
}
