/**
 * One contained command (the form ffmpeg, espeak-ng and pocketsphinx run in): its output and exit
 * status come back as usual; a breach kills it with a stable code.
 */
import assert from "node:assert/strict";
import { ContainedError, runContained } from "../../lib/contain/process.ts";
import { runTool, ToolFailedError } from "../../lib/media/tools.ts";

const mib = 1024 * 1024;
const roomy = { timeoutMs: 20_000, memoryBytes: 512 * mib };

async function breach(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (error) => error);
  assert.ok(error instanceof ContainedError, `expected a ContainedError, got ${error}`);
  return error.code;
}

Deno.test("a contained command returns its stdout, stdin is fed, and a failing exit is a status", async () => {
  const ok = await runContained("sh", ["-c", "tr a-z A-Z"], {
    limits: roomy,
    stdin: new TextEncoder().encode("kiln"),
  });
  assert.equal(new TextDecoder().decode(ok.stdout), "KILN");
  const failed = await runContained("sh", ["-c", "echo broken >&2; exit 3"], { limits: roomy });
  assert.deepEqual([failed.success, failed.code, failed.stderr.trim()], [false, 3, "broken"]);
  await assert.rejects(runTool("sh", ["-c", "exit 4"]), ToolFailedError);
});

Deno.test("a command past its time limit is killed: contained_timeout", async () => {
  const started = performance.now();
  assert.equal(
    await breach(runContained("sleep", ["30"], { limits: { ...roomy, timeoutMs: 300 } })),
    "contained_timeout",
  );
  assert.ok(performance.now() - started < 5_000);
});

Deno.test({
  name: "a command past its memory cap is killed: contained_memory",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const grow = "const a = []; while (true) { a.push(new Uint8Array(32 * 1024 * 1024).fill(1)); " +
      "await new Promise((r) => setTimeout(r, 5)); }";
    const code = await breach(
      runContained(Deno.execPath(), ["eval", grow], {
        limits: { timeoutMs: 30_000, memoryBytes: 200 * mib },
      }),
    );
    assert.equal(code, "contained_memory");
  },
});

Deno.test("a command that floods stdout is stopped at the output cap", async () => {
  const code = await breach(runContained("yes", [], { limits: roomy, maxOutputBytes: mib }));
  assert.equal(code, "contained_output_too_large");
});

Deno.test("aborting kills the command and rejects with the signal's reason", async () => {
  const controller = new AbortController();
  const running = runContained("sleep", ["30"], { limits: roomy, signal: controller.signal });
  setTimeout(() => controller.abort(new Error("job cancelled")), 100);
  await assert.rejects(running, /job cancelled/);
});
