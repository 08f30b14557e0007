/**
 * Tests that need a system tool (chromium, ffmpeg, espeak-ng, pocketsphinx) are ignored with a
 * printed reason when it is missing, so the README's test command passes on a bare machine. With
 * KILN_REQUIRE_SYSTEM_TOOLS=1 (set by .ci/run) a missing tool fails the run instead: CI can never
 * skip them silently.
 */
export interface ToolRequirement {
  /** Pass as Deno.test's `ignore`. */
  ignore: boolean;
  path: string;
}

export function systemTool(name: string, candidates: string[], installHint: string): ToolRequirement {
  const path = candidates.find((candidate) => {
    try {
      return Deno.statSync(candidate).isFile;
    } catch {
      return false;
    }
  });
  if (path) return { ignore: false, path };
  const message = `${name} not found (${candidates.join(", ")}); install it with: ${installHint}`;
  if (["1", "true"].includes(Deno.env.get("KILN_REQUIRE_SYSTEM_TOOLS") ?? "")) {
    throw new Error(`KILN_REQUIRE_SYSTEM_TOOLS=1 and ${message}`);
  }
  console.warn(`ignoring tests that need ${message}`);
  return { ignore: true, path: "" };
}

export const chromiumTool = () =>
  systemTool("chromium", ["/usr/bin/chromium", "/usr/bin/chromium-browser"], "apt-get install -y chromium");
