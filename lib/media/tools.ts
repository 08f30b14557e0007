/**
 * Running media command-line tools (ffmpeg, espeak-ng). A missing binary becomes a typed
 * MissingToolError naming the install line, so a job fails with a message an operator can act on
 * and `/health` can say the same; a failing run carries the tool's stderr.
 */

export const mediaInstallLine =
  "apt-get install -y --no-install-recommends ffmpeg espeak-ng flite poppler-utils fonts-dejavu-core";

export class MissingToolError extends Error {
  readonly tool: string;
  constructor(tool: string) {
    super(`${tool} is not installed; install it with: ${mediaInstallLine}`);
    this.name = "MissingToolError";
    this.tool = tool;
  }
}

export class ToolFailedError extends Error {
  readonly tool: string;
  readonly stderr: string;
  constructor(tool: string, code: number, stderr: string) {
    super(`${tool} exited with ${code}: ${stderr.trim().split("\n").slice(-3).join(" ").slice(0, 500)}`);
    this.name = "ToolFailedError";
    this.tool = tool;
    this.stderr = stderr;
  }
}

/** A run that outlived its `timeoutMs` (and was killed): hostile input or a stuck tool. */
export class ToolTimeoutError extends Error {
  readonly tool: string;
  constructor(tool: string, timeoutMs: number) {
    super(`${tool} did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`);
    this.name = "ToolTimeoutError";
    this.tool = tool;
  }
}

export interface RunToolOptions {
  /** Kills the tool when aborted (job cancelled, engine stopping). */
  signal?: AbortSignal;
  cwd?: string;
  /** Kills the tool after this long and throws ToolTimeoutError. */
  timeoutMs?: number;
}

/**
 * Runs `binary` with `args`; throws MissingToolError, ToolFailedError or ToolTimeoutError. The
 * signal (and the timeout) kill it.
 */
export async function runTool(
  binary: string,
  args: string[],
  options: RunToolOptions = {},
): Promise<Uint8Array> {
  const timeout = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
  const signals = [options.signal, timeout].filter((signal): signal is AbortSignal => signal !== undefined);
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(binary, {
      args,
      cwd: options.cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new MissingToolError(binary);
    throw error;
  }
  options.signal?.throwIfAborted();
  if (timeout?.aborted) throw new ToolTimeoutError(binary, options.timeoutMs!);
  if (!output.success) {
    throw new ToolFailedError(binary, output.code, new TextDecoder().decode(output.stderr));
  }
  return output.stdout;
}

/** Whether `binary` runs at all (`-version` / `--version`), for health checks. */
export async function toolAvailable(binary: string, versionFlag = "-version"): Promise<boolean> {
  try {
    const output = await new Deno.Command(binary, {
      args: [versionFlag],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    return output.success;
  } catch {
    return false;
  }
}

/** Duration in seconds of a PCM WAV file, read from its header (no ffprobe needed). */
export function wavDurationSeconds(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  let byteRate = 0;
  while (offset + 8 <= bytes.byteLength) {
    const id = String.fromCharCode(...bytes.subarray(offset, offset + 4));
    let size = view.getUint32(offset + 4, true);
    if (id === "fmt ") byteRate = view.getUint32(offset + 16, true);
    if (id === "data") {
      // espeak-ng writes to a pipe-friendly header with size 0x7fffffff when streaming; trust the file.
      if (size === 0 || offset + 8 + size > bytes.byteLength) size = bytes.byteLength - offset - 8;
      return byteRate > 0 ? size / byteRate : 0;
    }
    offset += 8 + size + (size % 2);
  }
  return 0;
}
