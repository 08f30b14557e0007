/**
 * TIFF → JPEG throughput (SPEC §3: ≥ 30 MP/s per core). ~48 MP of uncompressed 8-bit RGB TIFFs
 * (12 × 2000×2000 scans) are converted at JPEG quality 95, once single-threaded on the main thread
 * (the baseline) and once on the contained pool (one child process per core), with whichever pixel path
 * `convert.ts` chose (sharp/libvips with one thread per call, else utif2 + imagescript).
 */
import { convertTiff, encoderName } from "../../lib/preprocess/convert.ts";
import { createConversionPool } from "../../lib/preprocess/pool.ts";
import { type Row, row } from "../support.ts";

const side = 2000;
const fileCount = 12;

/** One uncompressed RGB TIFF with a gradient, written directly (fast enough for 4 MP files). */
function scan(seed: number): Uint8Array {
  const pixels = side * side * 3;
  const entries: [number, number, number][] = [
    [256, 4, side],
    [257, 4, side],
    [258, 3, 8],
    [259, 3, 1],
    [262, 3, 2],
    [273, 4, 8],
    [277, 3, 3],
    [278, 4, side],
    [279, 4, pixels],
  ];
  const directoryAt = 8 + pixels;
  const bytes = new Uint8Array(directoryAt + 2 + entries.length * 12 + 4);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x49, 42, 0]);
  view.setUint32(4, directoryAt, true);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const at = 8 + (y * side + x) * 3;
      bytes[at] = (x + seed) & 255;
      bytes[at + 1] = (y * 3) & 255;
      bytes[at + 2] = ((x ^ y) + seed) & 255;
    }
  }
  view.setUint16(directoryAt, entries.length, true);
  entries.forEach(([tag, type, value], index) => {
    const at = directoryAt + 2 + index * 12;
    view.setUint16(at, tag, true);
    view.setUint16(at + 2, type, true);
    view.setUint32(at + 4, 1, true);
    if (type === 3) view.setUint16(at + 8, value, true);
    else view.setUint32(at + 8, value, true);
  });
  return bytes;
}

export async function run(): Promise<Row[]> {
  const files = Array.from({ length: fileCount }, (_, index) => scan(index * 17));
  const megapixels = (fileCount * side * side) / 1e6;
  const cores = navigator.hardwareConcurrency ?? 1;

  let started = performance.now();
  for (const file of files) await convertTiff(file);
  const single = megapixels / ((performance.now() - started) / 1000);

  const pool = createConversionPool(cores);
  try {
    await pool.convert(scan(1).subarray(0)); // start the workers outside the clock
    started = performance.now();
    await Promise.all(files.map((file) => pool.convert(file)));
  } finally {
    await pool.close();
  }
  const pooled = megapixels / ((performance.now() - started) / 1000);

  return [
    row(
      `TIFF→JPEG q95, ${megapixels} MP, pool of ${cores} contained processes (${encoderName})`,
      pooled,
      "MP/s",
      {
        baseline: single,
      },
    ),
    row(`TIFF→JPEG q95 per core (pool ÷ ${cores})`, pooled / cores, "MP/s", {
      target: { op: ">=", value: 30 },
    }),
    row("TIFF→JPEG q95 single-threaded (main thread)", single, "MP/s"),
  ];
}
