/**
 * TIFF conversion on a contained pool (lib/contain/pool.ts) of child processes running
 * workers/tiff_to_jpeg.ts: at most `size` conversions at once, the HTTP event loop never decodes a
 * pixel, and a hostile file — a directory chain that loops, a decompression bomb, a decoder that
 * hangs — costs one child, killed at its time or memory limit, never the server.
 */
import { ContainedFailure, createContainedPool } from "../contain/pool.ts";
import { ContainedError, type ContainLimits } from "../contain/process.ts";
import type { PhaseResultPage } from "./phases.ts";

export interface ConversionPool {
  readonly size: number;
  convert(tiff: Uint8Array, signal?: AbortSignal): Promise<PhaseResultPage[]>;
  stats(): { workers: number; busy: number; queued: number };
  close(): Promise<void>;
}

/** Thrown for files the converter refuses (corrupt, unsupported, over a limit): not worth retrying. */
export class UnconvertibleError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = "UnconvertibleError";
  }
}

/** One conversion: 2 minutes and 1.5 GiB (a 120-megapixel page decodes to 480 MB of RGBA). */
export const conversionLimits: ContainLimits = { timeoutMs: 120_000, memoryBytes: 1536 * 1024 * 1024 };

const workerModule = new URL("../../workers/tiff_to_jpeg.ts", import.meta.url);

export function createConversionPool(
  size: number,
  options: { limits?: ContainLimits; idleMs?: number } = {},
): ConversionPool {
  const pool = createContainedPool({
    module: workerModule,
    size,
    limits: options.limits ?? conversionLimits,
    idleMs: options.idleMs,
    // sharp loads libvips as a native addon (FFI) and reads the CPU count.
    permissions: ["--allow-read", "--allow-env", "--allow-ffi", "--allow-sys"],
  });
  return {
    size,
    async convert(tiff, signal) {
      try {
        const { json, buffers } = await pool.run({ json: null, buffers: [tiff] }, signal);
        const pages = json as Omit<PhaseResultPage, "jpeg">[];
        return pages.map((page, index) => ({ ...page, jpeg: buffers[index] }));
      } catch (error) {
        if (error instanceof ContainedFailure && error.code !== "conversion_crashed") {
          throw new UnconvertibleError(error.message, error.code ?? "unsupported_tiff");
        }
        // Over the memory cap is a property of the file; a timeout may be a busy machine (retried).
        if (error instanceof ContainedError && error.code === "contained_memory") {
          throw new UnconvertibleError(
            `The TIFF is too large to convert: ${error.message}`,
            "tiff_too_large",
          );
        }
        throw error;
      }
    },
    stats() {
      const { children, busy, queued } = pool.stats();
      return { workers: children, busy, queued };
    },
    close: () => pool.close(),
  };
}
