/**
 * Phases are pluggable: a second phase registered next to TIFF_CONVERSION discovers its tasks
 * among the files the first produced, runs them, and the batch's status walks through both phase
 * names before DONE; finalize lists the second phase's outputs too.
 */
import assert from "node:assert/strict";
import { type Phase, phases, tiffConversionPhase } from "../../lib/preprocess/phases.ts";
import { encodeTiff } from "./tiff_fixtures.ts";
import { blobBytes, preprocessKiln, upload, waitForBatch } from "./helpers.ts";

/** A toy phase: writes a SHA-256 next to every JPEG. */
const checksumPhase: Phase = {
  name: "CHECKSUM",
  discover: (files) => files.filter((file) => file.r2_key.endsWith(".jpg")),
  async execute(input, deps) {
    const digest = await crypto.subtle.digest("SHA-256", (await deps.read(input.r2_key)) as BufferSource);
    const hex = Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
    const key = `${input.r2_key}.sha256`;
    const size = await deps.write(key, new TextEncoder().encode(hex), "text/plain");
    return [{ key, file_name: key.split("/").pop()!, size, page: 1 }];
  },
  handleResult: (_input, outputs) => outputs,
  next: () => null,
};

Deno.test("a registered second phase runs on the first phase's outputs before the batch is DONE", async () => {
  const originalNext = tiffConversionPhase.next;
  phases.set(checksumPhase.name, checksumPhase);
  tiffConversionPhase.next = () => checksumPhase.name;
  try {
    await using kiln = await preprocessKiln();
    const tiff = await encodeTiff({
      pages: [{ width: 12, height: 8, colour: "rgb" }, { width: 8, height: 8, colour: "gray" }],
    });
    const files = [
      await upload(kiln, "staging/ph/a.tif", tiff),
      await upload(kiln, "staging/ph/b.tif", tiff),
    ];
    const accepted =
      await (await kiln.request("/preprocess/batches", { json: { batch_id: "ph", files }, admin: true }))
        .json();
    assert.equal(accepted.status, "TIFF_CONVERSION");
    const done = await waitForBatch(kiln, "ph");
    assert.equal(done.status, "DONE");
    // 2 TIFF tasks, then one checksum task per JPEG page (2 files × 2 pages).
    assert.deepEqual(done.progress, { tasks_total: 6, tasks_completed: 6, tasks_failed: 0 });
    const checksum = new TextDecoder().decode(await blobBytes(kiln, "staging/ph/a-p2.jpg.sha256"));
    assert.match(checksum, /^[0-9a-f]{64}$/);
  } finally {
    tiffConversionPhase.next = originalNext;
    phases.delete(checksumPhase.name);
  }
});
