/**
 * A fixed pool of Web Workers (workers/tiff_to_jpeg.ts) fed from one queue, so at most `size`
 * conversions run at once and the HTTP event loop never decodes a pixel. Workers start on first
 * use and stop after a quiet spell; a worker that hangs past the timeout (a hostile file) or
 * crashes is replaced and its conversion fails with a retryable error.
 */
import type { PhaseResultPage } from "./phases.ts";

export interface ConversionPool {
  readonly size: number;
  convert(tiff: Uint8Array, signal?: AbortSignal): Promise<PhaseResultPage[]>;
  stats(): { workers: number; busy: number; queued: number };
  close(): void;
}

/** Thrown for files the converter refuses (corrupt, unsupported): not worth retrying. */
export class UnconvertibleError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = "UnconvertibleError";
  }
}

interface Pending {
  id: number;
  tiff: Uint8Array;
  resolve(pages: PhaseResultPage[]): void;
  reject(error: Error): void;
  signal?: AbortSignal;
}

interface Slot {
  worker: Worker;
  current?: Pending;
  timer?: ReturnType<typeof setTimeout>;
}

const workerUrl = new URL("../../workers/tiff_to_jpeg.ts", import.meta.url);

export function createConversionPool(
  size: number,
  options: { timeoutMs?: number; idleMs?: number } = {},
): ConversionPool {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const idleMs = options.idleMs ?? 10_000;
  const queue: Pending[] = [];
  const slots: Slot[] = [];
  let nextId = 1;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const spawn = (): Slot => {
    const slot: Slot = { worker: new Worker(workerUrl, { type: "module" }) };
    slot.worker.onmessage = (event) => finish(slot, event.data);
    slot.worker.onerror = (event) => {
      event.preventDefault();
      replace(slot, new Error(`Conversion worker crashed: ${event.message}`));
    };
    slots.push(slot);
    return slot;
  };

  const replace = (slot: Slot, error: Error) => {
    clearTimeout(slot.timer);
    slot.worker.terminate();
    slots.splice(slots.indexOf(slot), 1);
    slot.current?.reject(error);
    pump();
  };

  const finish = (
    slot: Slot,
    message: { id: number; pages?: PhaseResultPage[]; error?: string; code?: string; permanent?: boolean },
  ) => {
    const job = slot.current;
    clearTimeout(slot.timer);
    slot.current = undefined;
    if (job && job.id === message.id) {
      if (message.pages) job.resolve(message.pages);
      else if (message.permanent) {
        job.reject(new UnconvertibleError(message.error ?? "unconvertible", message.code!));
      } else job.reject(new Error(message.error ?? "conversion failed"));
    }
    pump();
  };

  const pump = () => {
    if (closed) return;
    while (queue.length > 0) {
      const slot = slots.find((candidate) => !candidate.current) ??
        (slots.length < size ? spawn() : undefined);
      if (!slot) return;
      const job = queue.shift()!;
      if (job.signal?.aborted) {
        job.reject(job.signal.reason);
        continue;
      }
      slot.current = job;
      slot.timer = setTimeout(
        () => replace(slot, new Error(`Conversion took longer than ${timeoutMs} ms`)),
        timeoutMs,
      );
      const copy = job.tiff.slice().buffer;
      slot.worker.postMessage({ id: job.id, tiff: copy }, [copy]);
    }
    scheduleIdleStop();
  };

  const scheduleIdleStop = () => {
    clearTimeout(idleTimer);
    if (slots.some((slot) => slot.current) || queue.length > 0 || slots.length === 0) return;
    idleTimer = setTimeout(stopWorkers, idleMs);
    Deno.unrefTimer(idleTimer);
  };

  const stopWorkers = () => {
    for (const slot of slots.splice(0)) {
      clearTimeout(slot.timer);
      slot.worker.terminate();
      slot.current?.reject(new Error("Conversion pool stopped"));
    }
  };

  return {
    size,
    convert(tiff, signal) {
      if (closed) return Promise.reject(new Error("Conversion pool is closed"));
      if (size < 1) return Promise.reject(new Error("No local conversion workers (PREPROCESS_WORKERS=0)"));
      return new Promise((resolve, reject) => {
        clearTimeout(idleTimer);
        queue.push({ id: nextId++, tiff, resolve, reject, signal });
        pump();
      });
    },
    stats: () => ({
      workers: slots.length,
      busy: slots.filter((slot) => slot.current).length,
      queued: queue.length,
    }),
    close() {
      closed = true;
      clearTimeout(idleTimer);
      stopWorkers();
      for (const job of queue.splice(0)) job.reject(new Error("Conversion pool is closed"));
    },
  };
}
