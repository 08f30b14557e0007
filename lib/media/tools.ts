/**
 * Running media command-line tools (ffmpeg, espeak-ng). A missing binary becomes a typed
 * MissingToolError naming the install line, so a job fails with a message an operator can act on
 * and `/health` can say the same; a failing run carries the tool's stderr.
 */
import { wavHeader } from "./wav.ts";

export const mediaInstallLine =
  "apt-get install -y --no-install-recommends ffmpeg espeak-ng fonts-dejavu-core";

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

/** Runs `binary` with `args`; throws MissingToolError or ToolFailedError. The signal kills it. */
export async function runTool(
  binary: string,
  args: string[],
  options: { signal?: AbortSignal; cwd?: string } = {},
): Promise<Uint8Array> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(binary, {
      args,
      cwd: options.cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: options.signal,
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new MissingToolError(binary);
    throw error;
  }
  options.signal?.throwIfAborted();
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
  const { dataBytes, byteRate } = wavHeader(bytes);
  return byteRate > 0 ? dataBytes / byteRate : 0;
}
