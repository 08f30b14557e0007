/** Admin blob upload/download routes, on the local store and on S3 chosen by BLOB_STORE=s3. */
import { encoderName } from "../../lib/preprocess/convert.ts";
import assert from "node:assert/strict";
import { fakeS3 } from "./fake_s3.ts";
import { preprocessKiln } from "./helpers.ts";
import type { TestKiln } from "../support/kiln.ts";

async function roundTrip(kiln: TestKiln) {
  const put = await kiln.request("/preprocess/blobs/staging/b1/x.tif", {
    method: "PUT",
    body: new Uint8Array([73, 73, 42, 0]),
    admin: true,
  });
  assert.equal(put.status, 201);
  assert.equal((await put.json()).size, 4);
  const get = await kiln.request("/preprocess/blobs/staging/b1/x.tif", { admin: true });
  assert.equal(get.status, 200);
  assert.equal(get.headers.get("content-type"), "image/tiff");
  assert.deepEqual(await get.bytes(), new Uint8Array([73, 73, 42, 0]));
  assert.equal((await kiln.request("/preprocess/blobs/staging/b1/x.tif")).status, 401);
  assert.equal((await kiln.request("/preprocess/blobs/staging/b1/none.tif", { admin: true })).status, 404);
  // URL parsing already folds "%2E%2E" segments away, so such a path never reaches the route.
  const escape = await kiln.request("/preprocess/blobs/staging/%2E%2E/%2E%2E/etc/passwd", { admin: true });
  assert.equal(escape.status, 404);
  await escape.body?.cancel();
  const encoded = await kiln.request("/preprocess/blobs/staging/..%2F..%2Fsecrets.json", { admin: true });
  assert.equal(encoded.status, 422);
  assert.equal((await encoded.json()).code, "invalid_blob_key");
}

Deno.test("blob routes: admin upload and download on the local store, escapes refused", async () => {
  await using kiln = await preprocessKiln();
  await roundTrip(kiln);
  assert.ok(await Deno.stat(`${kiln.services.config.dataDir}/blobs/staging/b1/x.tif`));
});

Deno.test("blob routes: BLOB_STORE=s3 stores through the S3 adapter", async () => {
  const fake = fakeS3();
  try {
    await using kiln = await preprocessKiln({
      BLOB_STORE: "s3",
      S3_ENDPOINT: fake.endpoint,
      S3_BUCKET: "arke-staging",
      S3_ACCESS_KEY_ID: "AKIDTEST",
      S3_SECRET_ACCESS_KEY: "secret-test-key",
    });
    await roundTrip(kiln);
    assert.ok(fake.objects.has("staging/b1/x.tif"));
    const health = await (await kiln.request("/health")).json();
    assert.equal(health.checks.preprocess.blobStore, "s3");
    assert.equal(health.checks.preprocess.encoder, encoderName);
  } finally {
    await fake.server.shutdown();
  }
});
