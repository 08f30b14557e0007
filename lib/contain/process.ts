/**
 * Containment for work on untrusted input: a child process with a wall-clock limit and a memory cap,
 * killed (SIGKILL) the moment either is breached, failing with a stable code. A hostile file can
 * then cost one child process — never the server's event loop, heap or file descriptors.
 *
 * The memory cap is the child's resident set size, polled from /proc (Linux); it covers native
 * allocations (libvips, ffmpeg) that a V8 heap limit cannot see. Deno children additionally get a
 * V8 heap limit (lib/contain/pool.ts), which fails fast. Where /proc is missing (macOS) only the
 * time limit and the V8 limit apply.
 *
 * `runContained` runs one command to completion (ffmpeg, espeak-ng, pdftoppm…); `lib/contain/pool.ts`
 * keeps Deno children alive between requests for parsers that would otherwise pay start-up per file.
 */

export type ContainedCode =
  | "contained_timeout"
  | "contained_memory"
  | "contained_crashed"
  | "contained_output_too_large";

/** The child broke a limit or died; `code` is stable, the message names the limit (never a path). */
export class ContainedError extends Error {
  constructor(readonly code: ContainedCode, message: string) {
    super(message);
    this.name = "ContainedError";
  }
}

export interface ContainLimits {
  /** Wall-clock limit for one run (one request, for pooled children). */
  timeoutMs: number;
  /** Resident memory cap of the child process, bytes. */
  memoryBytes: number;
}

const memoryPollMs = 50;
const mib = 1024 * 1024;

/** Resident set size of `pid` in bytes (Linux /proc); undefined where unknown or once it exited. */
export async function residentBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Enforces `limits` on a running child until the returned stop function is called: on a breach the
 * child is killed and `onBreach` receives the error (once).
 */
export function guardChild(
  child: Deno.ChildProcess,
  limits: ContainLimits,
  onBreach: (error: ContainedError) => void,
): () => void {
  let stopped = false;
  const breach = (error: ContainedError) => {
    if (stopped) return;
    stop();
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    onBreach(error);
  };
  const timer = setTimeout(() =>
    breach(
      new ContainedError(
        "contained_timeout",
        `The work took longer than its limit of ${limits.timeoutMs} ms.`,
      ),
    ), limits.timeoutMs);
  let polling = false;
  const poll = setInterval(async () => {
    if (polling) return;
    polling = true;
    const rss = await residentBytes(child.pid);
    polling = false;
    if (rss !== undefined && rss > limits.memoryBytes) {
      breach(
        new ContainedError(
          "contained_memory",
          `The work needed more than its memory limit of ${Math.round(limits.memoryBytes / mib)} MiB.`,
        ),
      );
    }
  }, memoryPollMs);
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    clearInterval(poll);
  };
  return stop;
}

export interface RunContainedOptions {
  limits: ContainLimits;
  signal?: AbortSignal;
  cwd?: string;
  /** Bytes written to the child's stdin (default: no stdin). */
  stdin?: Uint8Array;
  /** Largest stdout kept; more kills the child (default 64 MiB). */
  maxOutputBytes?: number;
}

export interface ContainedOutput {
  success: boolean;
  code: number;
  stdout: Uint8Array;
  /** The last 64 KiB of stderr, decoded. */
  stderr: string;
}

const stderrTailBytes = 64 * 1024;

/**
 * Runs `binary args` under `limits`. Resolves with the exit status and output (a non-zero exit is
 * not an error here); rejects with ContainedError on a breach, with the signal's reason when
 * aborted, and with Deno.errors.NotFound when the binary does not exist.
 */
export async function runContained(
  binary: string,
  args: string[],
  options: RunContainedOptions,
): Promise<ContainedOutput> {
  options.signal?.throwIfAborted();
  const maxOutput = options.maxOutputBytes ?? 64 * mib;
  const child = new Deno.Command(binary, {
    args,
    cwd: options.cwd,
    stdin: options.stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let failure: unknown;
  const fail = (error: unknown) => {
    failure ??= error;
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  };
  const stopGuard = guardChild(child, options.limits, fail);
  const onAbort = () => fail(options.signal!.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const writing = options.stdin ? writeStdin(child, options.stdin) : Promise.resolve();
    const [stdout, stderr, status] = await Promise.all([
      collect(child.stdout, maxOutput, () =>
        fail(
          new ContainedError(
            "contained_output_too_large",
            `The work wrote more than ${Math.round(maxOutput / mib)} MiB of output.`,
          ),
        )),
      collectTail(child.stderr, stderrTailBytes),
      child.status,
      writing,
    ]);
    if (failure !== undefined) throw failure;
    return { success: status.success, code: status.code, stdout, stderr };
  } finally {
    stopGuard();
    options.signal?.removeEventListener("abort", onAbort);
  }
}

async function writeStdin(child: Deno.ChildProcess, bytes: Uint8Array): Promise<void> {
  const writer = child.stdin.getWriter();
  try {
    await writer.write(bytes);
    await writer.close();
  } catch {
    // The child exited without reading everything; its status tells what happened.
  }
}

/** Reads a whole stream, calling `overflow` (once) and discarding the rest past `limit` bytes. */
async function collect(stream: ReadableStream<Uint8Array>, limit: number, overflow: () => void) {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let over = false;
  for await (const chunk of stream) {
    if (over) continue;
    total += chunk.byteLength;
    if (total > limit) {
      over = true;
      overflow();
      continue;
    }
    chunks.push(chunk);
  }
  const out = new Uint8Array(over ? 0 : total);
  if (!over) {
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
  }
  return out;
}

/** The last `limit` bytes of a stream, decoded as text. */
async function collectTail(stream: ReadableStream<Uint8Array>, limit: number): Promise<string> {
  let chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    total += chunk.byteLength;
    while (chunks.length > 1 && total - chunks[0].byteLength >= limit) total -= chunks.shift()!.byteLength;
  }
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  chunks = [];
  return new TextDecoder().decode(joined.subarray(Math.max(0, total - limit)));
}
