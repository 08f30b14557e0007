/**
 * The structural limits of a TIFF, checked on the raw bytes before any decoder sees them: every
 * image file directory (IFD) — the main chain and the SubIFD, EXIF, GPS and interoperability
 * directories it points to — is visited at most once (a chain that loops back is a corrupt file,
 * not an endless decode), their number is bounded, every tag's values lie inside the file (so a
 * forged count cannot make a decoder allocate gigabytes), and the pixels of all pages together stay
 * within a budget. Classic TIFF and BigTIFF, either byte order.
 */
import { ConversionError } from "./convert_error.ts";

/** Directories per file (pages, thumbnails, EXIF…). */
export const maxDirectories = 1_000;
/** Tags in one directory (real files have a few dozen). */
export const maxEntriesPerDirectory = 4_096;
/** Pixels of all pages together. */
export const maxTotalPixels = 1_000_000_000;

/** Bytes per value of each TIFF field type (unknown types are skipped). */
const typeSizes: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
  16: 8,
  17: 8,
  18: 8,
};
/** Tags whose values are offsets of further directories. */
const directoryPointers = new Set([330, 34665, 34853, 40965]);

interface Layout {
  view: DataView;
  little: boolean;
  big: boolean;
}

/** Throws ConversionError when the file breaks a structural limit; returns the directory count. */
export function checkTiffStructure(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const order = String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0);
  if (bytes.byteLength < 8 || (order !== "II" && order !== "MM")) {
    throw new ConversionError("Not a TIFF file (missing II/MM byte-order header).", "not_a_tiff");
  }
  const little = order === "II";
  const magic = view.getUint16(2, little);
  if (magic !== 42 && magic !== 43) throw corrupt(`Unknown TIFF version ${magic}.`);
  const layout: Layout = { view, little, big: magic === 43 };
  if (layout.big && bytes.byteLength < 16) throw corrupt("The file is too short to be a BigTIFF.");

  const pending = [readOffset(layout, layout.big ? 8 : 4)];
  const visited = new Set<number>();
  let totalPixels = 0;
  while (pending.length > 0) {
    const offset = pending.pop()!;
    if (offset === 0) continue;
    if (visited.has(offset)) throw corrupt("Its directory chain loops back on itself.");
    visited.add(offset);
    if (visited.size > maxDirectories) {
      throw new ConversionError(
        `The TIFF has more than ${maxDirectories} image directories.`,
        "tiff_too_many_directories",
      );
    }
    const directory = readDirectory(layout, offset);
    pending.push(...directory.children, directory.next);
    totalPixels += directory.pixels;
    if (totalPixels > maxTotalPixels) {
      throw new ConversionError(
        `The TIFF's pages hold more than ${maxTotalPixels / 1e6} megapixels together.`,
        "tiff_too_large",
      );
    }
  }
  return visited.size;
}

function readDirectory(layout: Layout, offset: number): { next: number; children: number[]; pixels: number } {
  const { view, little, big } = layout;
  const countSize = big ? 8 : 2;
  const entrySize = big ? 20 : 12;
  const inline = big ? 8 : 4;
  if (offset + countSize > view.byteLength) throw corrupt("A directory offset points outside the file.");
  const count = big ? Number(view.getBigUint64(offset, little)) : view.getUint16(offset, little);
  if (count > maxEntriesPerDirectory) throw corrupt(`A directory claims ${count} tags.`);
  const end = offset + countSize + count * entrySize;
  if (end + (big ? 8 : 4) > view.byteLength) throw corrupt("A directory runs past the end of the file.");

  const children: number[] = [];
  let width = 0;
  let height = 0;
  for (let i = 0; i < count; i++) {
    const at = offset + countSize + i * entrySize;
    const tag = view.getUint16(at, little);
    const type = view.getUint16(at + 2, little);
    const values = big ? Number(view.getBigUint64(at + 4, little)) : view.getUint32(at + 4, little);
    const size = typeSizes[type];
    if (size === undefined) continue;
    const byteLength = values * size;
    const valueAt = byteLength <= inline ? at + (big ? 12 : 8) : readOffset(layout, at + (big ? 12 : 8));
    if (!Number.isSafeInteger(byteLength) || valueAt + byteLength > view.byteLength) {
      throw corrupt(`Tag ${tag} claims ${values} values beyond the end of the file.`);
    }
    if (tag === 256 || tag === 257) {
      const value = size === 2 ? view.getUint16(valueAt, little) : view.getUint32(valueAt, little);
      if (tag === 256) width = value;
      else height = value;
    }
    if (directoryPointers.has(tag) && values > 0) {
      for (let v = 0; v < Math.min(values, maxDirectories + 1); v++) {
        children.push(
          size === 8
            ? Number(view.getBigUint64(valueAt + v * 8, little))
            : view.getUint32(valueAt + v * 4, little),
        );
      }
    }
  }
  return { next: readOffset(layout, end), children, pixels: width * height };
}

function readOffset({ view, little, big }: Layout, at: number): number {
  return big ? Number(view.getBigUint64(at, little)) : view.getUint32(at, little);
}

function corrupt(reason: string): ConversionError {
  return new ConversionError(`Corrupt TIFF: ${reason}`, "corrupt_tiff");
}
