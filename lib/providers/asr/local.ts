/**
 * The offline default: Debian's pocketsphinx 0.8 (`pocketsphinx_continuous`, US English model from
 * `pocketsphinx-en-us`). About 1 s to load the model plus ~0.1× real time on one core; English only.
 * `-time yes` adds per-word times and posteriors, which become segments, words and confidence.
 */
import { KilnError } from "../../errors.ts";
import { MissingToolError, runTool, ToolFailedError, toolOnPath } from "../../media/tools.ts";
import { meanConfidence, parseTimedOutput } from "./sphinx_output.ts";
import type { AsrProvider } from "./types.ts";

export const pocketsphinxBinary = "pocketsphinx_continuous";
const installHint = "apt-get install -y pocketsphinx pocketsphinx-en-us";

export function createLocalAsr(binary = pocketsphinxBinary): AsrProvider {
  return {
    name: "local",
    async transcribe({ path, signal }) {
      let stdout: Uint8Array;
      try {
        stdout = await runTool(binary, ["-infile", path, "-time", "yes", "-logfn", "/dev/null"], { signal });
      } catch (error) {
        if (error instanceof MissingToolError) throw missing(binary);
        if (error instanceof ToolFailedError) {
          throw new KilnError(
            "upstream",
            "asr_failed",
            `${binary} exited with ${error.exitCode}: ${error.stderr.trim().slice(-500)}`,
          );
        }
        throw error;
      }
      const segments = parseTimedOutput(new TextDecoder().decode(stdout));
      return {
        text: segments.map((segment) => segment.text).join(" "),
        language: "en",
        segments,
        confidence: meanConfidence(segments),
      };
    },
    async availability() {
      return await toolOnPath(binary)
        ? { available: true }
        : { available: false, detail: missing(binary).message };
    },
  };
}

function missing(binary: string): KilnError {
  return new KilnError(
    "unavailable",
    "asr_tool_missing",
    `${binary} is not installed; install it with: ${installHint}`,
  );
}
