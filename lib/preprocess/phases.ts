/**
 * Phases are pluggable: each names a batch status, discovers its tasks from the queue message,
 * executes one task, turns a success result into stored outputs, and names the phase after it.
 * A PDF-splitting phase would be one more file registered in `phases` below.
 */
import type { BatchFile, OutputFile } from "./types.ts";

export interface PhaseResultPage {
  page: number;
  width: number;
  height: number;
  jpeg: Uint8Array;
}

export interface PhaseDependencies {
  /** Reads the input blob (throws a retryable error when it is missing or unreachable). */
  read(key: string): Promise<Uint8Array>;
  write(key: string, bytes: Uint8Array, contentType: string): Promise<number>;
  /** Converts on the worker pool. */
  convert(tiff: Uint8Array, signal: AbortSignal): Promise<PhaseResultPage[]>;
}

export interface Phase {
  name: string;
  /** How ingest sees its outputs (Arke's `preprocessor_tags`); the phase name when absent. */
  tag?: string;
  /** The files of the message this phase works on (one task each); the rest pass through. */
  discover(files: BatchFile[]): BatchFile[];
  /** Runs one task in this process and returns its outputs. */
  execute(input: BatchFile, deps: PhaseDependencies, signal: AbortSignal): Promise<OutputFile[]>;
  /** Normalises outputs reported by an external worker (or `execute`) before they are stored. */
  handleResult(input: BatchFile, outputs: OutputFile[]): OutputFile[];
  /** The phase after this one, or null when the batch is done. */
  next(): string | null;
}

const tiffPattern = /\.tiff?$/i;

/** `staging/b/x.TIF` page 1 → `staging/b/x.jpg`, page 2 → `staging/b/x-p2.jpg`. */
export function outputKey(inputKey: string, page: number): string {
  const base = inputKey.replace(tiffPattern, "");
  return page === 1 ? `${base}.jpg` : `${base}-p${page}.jpg`;
}

export const tiffConversionPhase: Phase = {
  name: "TIFF_CONVERSION",
  tag: "TiffConverter",
  discover: (files) =>
    files.filter((file) => tiffPattern.test(file.r2_key) || tiffPattern.test(file.file_name)),
  async execute(input, deps, signal) {
    const tiff = await deps.read(input.r2_key);
    const pages = await deps.convert(tiff, signal);
    const outputs: OutputFile[] = [];
    for (const page of pages) {
      const key = outputKey(input.r2_key, page.page);
      const size = await deps.write(key, page.jpeg, "image/jpeg");
      outputs.push({
        key,
        file_name: key.slice(key.lastIndexOf("/") + 1),
        size,
        page: page.page,
        width: page.width,
        height: page.height,
      });
    }
    return outputs;
  },
  handleResult: (_input, outputs) => [...outputs].sort((a, b) => a.page - b.page),
  next: () => null,
};

export const phases = new Map<string, Phase>([[tiffConversionPhase.name, tiffConversionPhase]]);
export const firstPhase = tiffConversionPhase.name;

export function phaseNamed(name: string): Phase {
  const phase = phases.get(name);
  if (!phase) throw new Error(`Unknown preprocessing phase ${name}`);
  return phase;
}
