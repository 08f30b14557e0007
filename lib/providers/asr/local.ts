/**
 * The offline default: Debian's pocketsphinx 0.8 (`pocketsphinx_continuous`, US English model from
 * `pocketsphinx-en-us`). About 1 s to load the model plus ~0.1× real time on one core; English only.
 * `-time yes` adds per-word times and posteriors, which become segments, words and confidence.
 */
import { type ContainedOutput, runContained } from "../../contain/process.ts";
import { KilnError } from "../../errors.ts";
import { toolLimits } from "../../media/tools.ts";
import { meanConfidence, parseTimedOutput } from "./sphinx_output.ts";
import type { AsrProvider } from "./types.ts";

export const pocketsphinxBinary = "pocketsphinx_continuous";
const installHint = "apt-get install -y pocketsphinx pocketsphinx-en-us";

export function createLocalAsr(binary = pocketsphinxBinary): AsrProvider {
  return {
    name: "local",
    async transcribe({ path, signal }) {
      let output: ContainedOutput;
      try {
        output = await runContained(binary, ["-infile", path, "-time", "yes", "-logfn", "/dev/null"], {
          limits: toolLimits,
          signal,
        });
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) throw missing(binary);
        throw error;
      }
      if (!output.success) {
        const stderr = output.stderr.trim().slice(-500);
        throw new KilnError("upstream", "asr_failed", `${binary} exited with ${output.code}: ${stderr}`);
      }
      const segments = parseTimedOutput(new TextDecoder().decode(output.stdout));
      return {
        text: segments.map((segment) => segment.text).join(" "),
        language: "en",
        segments,
        confidence: meanConfidence(segments),
      };
    },
    async availability() {
      try {
        const output = await new Deno.Command("sh", {
          args: ["-c", `command -v ${binary}`],
          stdout: "null",
          stderr: "null",
        }).output();
        return output.success ? { available: true } : { available: false, detail: missing(binary).message };
      } catch {
        return { available: false, detail: missing(binary).message };
      }
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
