/**
 * A batch end to end through HTTP: every TIFF variant, a 3-page TIFF, a corrupt file and a
 * pass-through PDF; JPEGs decoded back and compared with the pattern the TIFFs were drawn from.
 */
import assert from "node:assert/strict";
import { Image } from "imagescript";
import type { BatchFile } from "../../lib/preprocess/types.ts";
import { blobBytes, preprocessKiln, status, upload, waitForBatch } from "./helpers.ts";
import { assertPixelsClose, corruptTiff, encodeTiff, type PageSpec, variant } from "./tiff_fixtures.ts";

Deno.test("a 100-file batch converts every TIFF variant, keeps other files, and fails only the corrupt one", async () => {
  await using kiln = await preprocessKiln();
  const files: BatchFile[] = [];
  const specs = new Map<string, PageSpec>();
  for (let index = 0; index < 96; index++) {
    const { page, bigEndian } = variant(index);
    const extension = index % 4 === 0 ? "TIF" : index % 4 === 1 ? "tiff" : "tif";
    const key = `staging/b100/scan-${index}.${extension}`;
    specs.set(key, page);
    files.push(await upload(kiln, key, await encodeTiff({ pages: [page], bigEndian })));
  }
  const threePages: PageSpec[] = [
    { width: 20, height: 10, colour: "rgb" },
    { width: 30, height: 12, colour: "gray", compression: "lzw" },
    { width: 16, height: 16, colour: "palette", compression: "packbits" },
  ];
  files.push(await upload(kiln, "staging/b100/book.tiff", await encodeTiff({ pages: threePages })));
  files.push(await upload(kiln, "staging/b100/broken.tif", corruptTiff()));
  files.push(await upload(kiln, "staging/b100/notes.pdf", new TextEncoder().encode("%PDF-1.4")));
  files.push(await upload(kiln, "staging/b100/readme.txt", new TextEncoder().encode("hello")));

  const response = await kiln.request("/preprocess/batches", {
    json: { batch_id: "b100", files },
    admin: true,
  });
  assert.equal(response.status, 202);
  const accepted = await response.json();
  assert.equal(accepted.status, "TIFF_CONVERSION");
  assert.equal(accepted.progress.tasks_total, 98);

  const done = await waitForBatch(kiln, "b100", 30_000);
  assert.equal(done.status, "DONE");
  assert.deepEqual(done.progress, { tasks_total: 98, tasks_completed: 97, tasks_failed: 1 });
  assert.ok(done.completed_at);
  const broken = done.tasks!.find((task) => task.input_r2_key.endsWith("broken.tif"))!;
  assert.equal(broken.status, "failed");
  assert.match(broken.error!, /TIFF/);
  assert.equal(broken.attempts, 1, "a corrupt file is not retried");

  for (const [key, page] of [...specs].filter((_, index) => index % 5 === 0)) {
    const jpegKey = key.replace(/\.tiff?$/i, ".jpg");
    const image = await Image.decode(await blobBytes(kiln, jpegKey));
    assert.equal(image.width, page.width);
    assert.equal(image.height, page.height);
    assertPixelsClose(image, page, key);
  }
  const book = done.tasks!.find((task) => task.input_r2_key.endsWith("book.tiff"))!;
  assert.deepEqual(book.outputs.map((output) => output.key), [
    "staging/b100/book.jpg",
    "staging/b100/book-p2.jpg",
    "staging/b100/book-p3.jpg",
  ]);
  for (const [index, page] of threePages.entries()) {
    const image = await Image.decode(await blobBytes(kiln, book.outputs[index].key));
    assert.deepEqual([image.width, image.height], [page.width, page.height]);
  }
  assert.equal(
    await kiln.services.blobs.head("staging/b100/notes.jpg"),
    null,
    "pass-through files stay as they are",
  );

  // Re-posting the same batch is idempotent: same batch, nothing converted again.
  const again = await kiln.request("/preprocess/test", { json: { batch_id: "b100", files }, admin: true });
  assert.equal(again.status, 202);
  assert.equal((await again.json()).status, "DONE");
  assert.deepEqual((await status(kiln, "b100")).progress, done.progress);
  const other = await kiln.request("/preprocess/batches", {
    json: { batch_id: "b100", files: files.slice(0, 3) },
    admin: true,
  });
  assert.equal(other.status, 409);
});
