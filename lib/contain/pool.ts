/**
 * A pool of contained Deno child processes running one module (which calls `serveContained` from
 * lib/contain/child.ts), for parsers of untrusted files: PDF text extraction, TIFF decoding. Each
 * request goes to one idle child over the wire protocol (lib/contain/wire.ts) and gets the limits of
 * lib/contain/process.ts — a wall-clock limit and a resident-memory cap — plus a V8 heap limit, so
 * a hostile file costs one child, killed and replaced, while the server keeps answering.
 *
 * Children start on first use, serve requests one at a time, and exit after a quiet spell. They run
 * with only the permissions given and an environment stripped of Kiln's secrets.
 */
import { within } from "../sleep.ts";
import { ContainedError, type ContainLimits, guardChild } from "./process.ts";
import { encodeEnvelope, type Envelope, EnvelopeReader } from "./wire.ts";

export interface ContainedPoolOptions {
  /** The child module; it must call `serveContained` (lib/contain/child.ts). */
  module: URL;
  /** Children running at once; further requests wait in order. 0 refuses every request. */
  size: number;
  /** Applied to every request: wall-clock limit and the child's resident memory cap. */
  limits: ContainLimits;
  /** Idle children exit after this long without work (default 10 s). */
  idleMs?: number;
  /** Deno permission flags of the child (default `--allow-read`). */
  permissions?: string[];
  /** Largest response accepted from a child (default the memory cap). */
  maxResponseBytes?: number;
}

export interface ContainedPool {
  readonly size: number;
  /** Runs one request; rejects with ContainedError (limit, crash), ContainedFailure, or the signal's reason. */
  run(request: Envelope, signal?: AbortSignal): Promise<Envelope>;
  stats(): { children: number; busy: number; queued: number };
  /** Kills every child and refuses further requests. */
  close(): Promise<void>;
}

/** The child's handler threw: the input was refused (bad file), not the containment breached. */
export class ContainedFailure extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
    this.name = "ContainedFailure";
  }
}

interface Pending {
  request: Envelope;
  resolve(response: Envelope): void;
  reject(error: unknown): void;
  signal?: AbortSignal;
}

interface Child {
  process: Deno.ChildProcess;
  reader: EnvelopeReader;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  stderr: () => string;
  exited: Promise<Deno.CommandStatus>;
  /** Resolves when stderr has been read to its end. */
  drained: Promise<void>;
  busy: boolean;
}

const mib = 1024 * 1024;
/** Environment variables a child may see: what Deno needs to find its caches, nothing else. */
const passedEnv = ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR", "LANG"];

export function createContainedPool(options: ContainedPoolOptions): ContainedPool {
  const idleMs = options.idleMs ?? 10_000;
  const maxResponseBytes = options.maxResponseBytes ?? options.limits.memoryBytes;
  const heapMb = Math.max(64, Math.floor((options.limits.memoryBytes / mib) * 0.75));
  const queue: Pending[] = [];
  const children = new Set<Child>();
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const spawn = (): Child => {
    const env: Record<string, string> = { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
    for (const name of passedEnv) {
      const value = Deno.env.get(name);
      if (value !== undefined) env[name] = value;
    }
    const process = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--no-prompt",
        `--v8-flags=--max-old-space-size=${heapMb}`,
        ...(options.permissions ?? ["--allow-read"]),
        options.module.pathname,
      ],
      clearEnv: true,
      env,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let tail = "";
    const drained = process.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
      new WritableStream({ write: (text) => void (tail = (tail + text).slice(-8192)) }),
    ).catch(() => {});
    const child: Child = {
      process,
      reader: new EnvelopeReader(process.stdout, maxResponseBytes),
      writer: process.stdin.getWriter(),
      stderr: () => tail,
      exited: process.status,
      drained,
      busy: false,
    };
    children.add(child);
    return child;
  };

  const retire = async (child: Child, kill: boolean) => {
    if (!children.delete(child)) return;
    if (kill) {
      try {
        child.process.kill("SIGKILL");
      } catch { /* already gone */ }
    } else {
      await child.writer.close().catch(() => {}); // end of input: the child's loop returns
    }
    await child.writer.abort().catch(() => {});
    await child.reader.cancel();
    await child.exited;
    await child.drained;
  };

  /** Why a child died without answering, judged from its exit and last words. */
  const deathOf = (child: Child): ContainedError => {
    const stderr = child.stderr();
    if (/out of memory|heap limit|allocation failed/i.test(stderr)) {
      return new ContainedError(
        "contained_memory",
        `The work needed more than its memory limit of ${Math.round(options.limits.memoryBytes / mib)} MiB.`,
      );
    }
    return new ContainedError("contained_crashed", "The contained worker process ended unexpectedly.");
  };

  const execute = async (child: Child, job: Pending) => {
    child.busy = true;
    let breach: ContainedError | undefined;
    const stopGuard = guardChild(child.process, options.limits, (error) => (breach = error));
    const onAbort = () => {
      try {
        child.process.kill("SIGKILL");
      } catch { /* already gone */ }
    };
    job.signal?.addEventListener("abort", onAbort, { once: true });
    let healthy = false;
    try {
      await child.writer.write(encodeEnvelope(job.request));
      const response = await child.reader.next();
      if (!response) throw deathOf(child);
      healthy = true;
      const failure = (response.json as { failure?: { message?: unknown; code?: unknown } } | null)?.failure;
      if (failure) {
        job.reject(
          new ContainedFailure(
            String(failure.message ?? "The contained work failed."),
            typeof failure.code === "string" ? failure.code : undefined,
          ),
        );
      } else job.resolve(response);
    } catch (error) {
      if (job.signal?.aborted) job.reject(job.signal.reason);
      else if (breach) job.reject(breach);
      else if (error instanceof ContainedError) job.reject(error);
      else job.reject(await exitedOrCrashed(child));
    } finally {
      stopGuard();
      job.signal?.removeEventListener("abort", onAbort);
      child.busy = false;
      if (!healthy) await retire(child, true);
      pump();
    }
  };

  /** A write or read failed: wait briefly for the exit so the cause (e.g. OOM) can be read. */
  const exitedOrCrashed = async (child: Child): Promise<ContainedError> => {
    await within(child.exited, 1_000);
    await within(child.drained, 200);
    return deathOf(child);
  };

  const pump = () => {
    if (closed) return;
    while (queue.length > 0) {
      const idle = [...children].find((child) => !child.busy);
      const child = idle ?? (children.size < options.size ? spawn() : undefined);
      if (!child) break;
      const job = queue.shift()!;
      if (job.signal?.aborted) {
        job.reject(job.signal.reason);
        continue;
      }
      void execute(child, job);
    }
    scheduleIdleStop();
  };

  const scheduleIdleStop = () => {
    clearTimeout(idleTimer);
    if (queue.length > 0 || children.size === 0 || [...children].some((child) => child.busy)) return;
    idleTimer = setTimeout(() => {
      for (const child of [...children]) if (!child.busy) void retire(child, false);
    }, idleMs);
    Deno.unrefTimer(idleTimer as unknown as number);
  };

  return {
    size: options.size,
    run(request, signal) {
      if (closed) return Promise.reject(new Error("The contained pool is closed"));
      if (options.size < 1) return Promise.reject(new Error("The contained pool has no workers"));
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<Envelope>((resolve, reject) => {
        clearTimeout(idleTimer);
        queue.push({ request, resolve, reject, signal });
        pump();
      });
    },
    stats: () => ({
      children: children.size,
      busy: [...children].filter((child) => child.busy).length,
      queued: queue.length,
    }),
    async close() {
      closed = true;
      clearTimeout(idleTimer);
      for (const job of queue.splice(0)) job.reject(new Error("The contained pool is closed"));
      await Promise.all([...children].map((child) => retire(child, true)));
    },
  };
}
