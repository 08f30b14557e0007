import assert from "node:assert/strict";
import { createLocalBlobStore } from "../../lib/blobs/local.ts";
import { validateBlobKey } from "../../lib/blobs/types.ts";

async function withStore(
  test: (store: ReturnType<typeof createLocalBlobStore>, root: string) => Promise<void>,
) {
  const root = await Deno.makeTempDir({ prefix: "kiln-blobs-" });
  try {
    await test(createLocalBlobStore(root), root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("a key is a path under the root: put, head, get, list, delete", () =>
  withStore(async (store, root) => {
    const info = await store.put("staging/b1/x.tif", new Uint8Array([1, 2, 3]));
    assert.deepEqual([info.key, info.size, info.contentType], ["staging/b1/x.tif", 3, "image/tiff"]);
    assert.deepEqual(await Deno.readFile(`${root}/staging/b1/x.tif`), new Uint8Array([1, 2, 3]));
    await store.put("staging/b1/y.jpg", ReadableStream.from([new Uint8Array([9]), new Uint8Array([8])]));
    await store.put("staging/b2/z.jpg", new Uint8Array([7]));
    const blob = await store.get("staging/b1/y.jpg");
    assert.deepEqual(new Uint8Array(await new Response(blob!.body).arrayBuffer()), new Uint8Array([9, 8]));
    const listed = await Array.fromAsync(store.list("staging/b1/"));
    assert.deepEqual(listed.map((entry) => entry.key), ["staging/b1/x.tif", "staging/b1/y.jpg"]);
    await store.delete("staging/b1/x.tif");
    await store.delete("staging/b1/x.tif");
    assert.equal(await store.head("staging/b1/x.tif"), null);
    assert.equal(await store.get("missing/file.pdf"), null);
    assert.equal(store.localPath?.("a/b.mp4"), `${root}/a/b.mp4`);
  }));

Deno.test("keys that could escape the root are refused", () =>
  withStore(async (store) => {
    for (const key of ["../etc/passwd", "a/../../b", "/abs/path", "a//b", "./a", "a\\b", "", "a/\u0000b"]) {
      assert.throws(() => validateBlobKey(key), { code: "invalid_blob_key" }, key);
      await assert.rejects(store.put(key, new Uint8Array([1])), { code: "invalid_blob_key" });
    }
  }));
