/** The offline ASR provider runs pocketsphinx through the one tool runner: its failures are typed. */
import assert from "node:assert/strict";
import { KilnError } from "../../lib/errors.ts";
import { createLocalAsr } from "../../lib/providers/asr/local.ts";
import { toolAvailable, toolOnPath } from "../../lib/media/tools.ts";

const missingBinary = "kiln-no-such-recogniser";

Deno.test("a missing recogniser is unavailable with its install line, and transcribing says the same", async () => {
  const asr = createLocalAsr(missingBinary);
  const availability = await asr.availability();
  assert.equal(availability.available, false);
  assert.match(availability.detail!, /apt-get install -y pocketsphinx pocketsphinx-en-us/);
  const error = await asr.transcribe({ path: "clip.wav", signal: new AbortController().signal })
    .then(() => undefined, (error) => error);
  assert.ok(error instanceof KilnError);
  assert.equal(error.code, "asr_tool_missing");
});

Deno.test("a recogniser that exits non-zero is an upstream asr_failed with its exit code", async () => {
  const asr = createLocalAsr("false");
  assert.deepEqual(await asr.availability(), { available: true });
  const error = await asr.transcribe({ path: "clip.wav", signal: new AbortController().signal })
    .then(() => undefined, (error) => error);
  assert.ok(error instanceof KilnError);
  assert.deepEqual([error.kind, error.code], ["upstream", "asr_failed"]);
  assert.match(error.message, /^false exited with 1/);
});

Deno.test("toolAvailable runs the tool; toolOnPath only looks for it", async () => {
  assert.equal(await toolAvailable("true"), true);
  assert.equal(await toolAvailable("false"), false);
  assert.equal(await toolAvailable(missingBinary), false);
  assert.equal(await toolOnPath("sh"), true);
  assert.equal(await toolOnPath("/bin/sh"), true);
  assert.equal(await toolOnPath(missingBinary), false);
});
