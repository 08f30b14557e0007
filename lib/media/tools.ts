/**
 * Running command-line tools (ffmpeg, espeak-ng, flite, poppler, pocketsphinx, yt-dlp): the one way
 * Kiln spawns a tool on user input. A missing binary becomes a typed
 * MissingToolError naming the install line, so a job fails with a message an operator can act on
 * and `/health` can say the same; a failing run carries the tool's stderr. Every run is contained
 * (time limit, memory cap): these tools parse user media.
 */
import {
  ContainedError,
  type ContainedOutput,
  type ContainLimits,
  runContained,
} from "../contain/process.ts";

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
  readonly exitCode: number;
  /** The tail of the tool's stderr (it may name server paths: scrub before showing it). */
  readonly stderr: string;
  constructor(tool: string, exitCode: number, stderr: string) {
    super(`${tool} exited with ${exitCode}: ${stderr.trim().split("\n").slice(-3).join(" ").slice(0, 500)}`);
    this.name = "ToolFailedError";
    this.tool = tool;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/**
 * Limits of one tool run: generous for real media (a 100 MB upload, a long narration), fatal for a
 * file crafted to make a decoder spin or allocate without end.
 */
export const toolLimits: ContainLimits = { timeoutMs: 15 * 60_000, memoryBytes: 2 * 1024 * 1024 * 1024 };

/**
 * A run that outlived its time limit (and was killed): hostile input or a stuck tool. A
 * ContainedError (`contained_timeout`) like every other breach, naming the tool.
 */
export class ToolTimeoutError extends ContainedError {
  readonly tool: string;
  constructor(tool: string, timeoutMs: number) {
    super(
      "contained_timeout",
      `${tool} did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`,
    );
    this.name = "ToolTimeoutError";
    this.tool = tool;
  }
}

export interface RunToolOptions {
  /** Kills the tool when aborted (job cancelled, engine stopping). */
  signal?: AbortSignal;
  cwd?: string;
  /** Kills the tool after this long and throws ToolTimeoutError (default `toolLimits.timeoutMs`). */
  timeoutMs?: number;
  /** Resident memory cap; past it the tool is killed (ContainedError `contained_memory`). */
  memoryBytes?: number;
}

/**
 * Runs `binary` with `args` contained (lib/contain/process.ts): throws MissingToolError,
 * ToolFailedError, ToolTimeoutError, ContainedError past the memory cap, or the signal's reason.
 */
export async function runTool(
  binary: string,
  args: string[],
  options: RunToolOptions = {},
): Promise<Uint8Array> {
  const limits = {
    timeoutMs: options.timeoutMs ?? toolLimits.timeoutMs,
    memoryBytes: options.memoryBytes ?? toolLimits.memoryBytes,
  };
  let output: ContainedOutput;
  try {
    output = await runContained(binary, args, { limits, signal: options.signal, cwd: options.cwd });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new MissingToolError(binary);
    if (error instanceof ContainedError && error.code === "contained_timeout") {
      throw new ToolTimeoutError(binary, limits.timeoutMs);
    }
    throw error;
  }
  if (!output.success) throw new ToolFailedError(binary, output.code, output.stderr);
  return output.stdout;
}

/**
 * Whether `binary` runs at all (`-version` / `--version`), for health checks. Not through
 * `runTool`: it reads no user input and runs inside `/health`'s 2 s check deadline, so it stays the
 * lightest spawn (no pipes, no memory polling).
 */
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

/** Whether `binary` is an installed file (on PATH, or at its path), for tools without a version flag. */
export async function toolOnPath(binary: string): Promise<boolean> {
  const isFile = (path: string) => Deno.stat(path).then((info) => info.isFile, () => false);
  if (binary.includes("/")) return await isFile(binary);
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir && await isFile(`${dir}/${binary}`)) return true;
  }
  return false;
}
