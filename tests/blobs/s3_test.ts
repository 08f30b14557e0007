/**
 * The S3 adapter against a loopback fake that speaks the S3 wire protocol (path-style PUT, GET,
 * HEAD, DELETE, ListObjectsV2 XML) and refuses requests without a well-formed SigV4 header.
 */
import assert from "node:assert/strict";
import { createS3BlobStore } from "../../lib/blobs/s3.ts";
import { KilnError } from "../../lib/errors.ts";
import { fakeS3 } from "../preprocess/fake_s3.ts";

Deno.test("S3 store: signed put/get/head/list/delete against an S3-speaking fake", async () => {
  const fake = fakeS3();
  try {
    const store = createS3BlobStore({
      endpoint: fake.endpoint,
      bucket: "arke-staging",
      accessKeyId: "AKIDTEST",
      secretAccessKey: "secret-test-key",
    });
    const info = await store.put("staging/b1/a b.tif", new Uint8Array([1, 2, 3]));
    assert.equal(info.size, 3);
    assert.ok(fake.objects.has("staging/b1/a b.tif"));
    assert.equal(fake.objects.get("staging/b1/a b.tif")!.type, "image/tiff");
    await store.put("staging/b1/c.jpg", new Blob([new Uint8Array([9, 9])]).stream());
    await store.put("staging/b1/d&e.jpg", new Uint8Array([7]));
    await store.put("other/x.txt", new Uint8Array([0]));

    const blob = await store.get("staging/b1/a b.tif");
    assert.deepEqual(new Uint8Array(await new Response(blob!.body).arrayBuffer()), new Uint8Array([1, 2, 3]));
    assert.equal(blob!.info.size, 3);
    assert.equal((await store.head("staging/b1/c.jpg"))!.size, 2);
    assert.equal(await store.head("staging/b1/missing.tif"), null);
    assert.equal(await store.get("staging/b1/missing.tif"), null);

    const listed = await Array.fromAsync(store.list("staging/b1/"));
    assert.deepEqual(listed.map((item) => item.key), [
      "staging/b1/a b.tif",
      "staging/b1/c.jpg",
      "staging/b1/d&e.jpg",
    ]);
    assert.equal(listed[0].modifiedAt, Date.parse("2025-01-15T10:30:00.000Z"));

    await store.delete("staging/b1/c.jpg");
    await store.delete("staging/b1/never-there.jpg");
    assert.equal(await store.head("staging/b1/c.jpg"), null);
    await assert.rejects(store.get("../escape"), KilnError);
    assert.ok(fake.authorizations.every((value) => value.startsWith("AWS4-HMAC-SHA256 ")));
  } finally {
    await fake.server.shutdown();
  }
});

Deno.test("S3 store: a wrong key or bucket is a clear upstream error", async () => {
  const fake = fakeS3();
  try {
    const store = createS3BlobStore({
      endpoint: fake.endpoint,
      bucket: "other-bucket",
      accessKeyId: "AKIDTEST",
      secretAccessKey: "secret-test-key",
    });
    await assert.rejects(store.put("a/b.tif", new Uint8Array([1])), (error: KilnError) => {
      assert.equal(error.code, "blob_store_error");
      assert.match(error.message, /NoSuchBucket/);
      return true;
    });
  } finally {
    await fake.server.shutdown();
  }
});
