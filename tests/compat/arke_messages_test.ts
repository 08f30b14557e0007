/**
 * Arke's ingest worker against Kiln's preprocessing: each queue message form it has sent (flat
 * `files`, `directories`, and the current `manifest_r2_key` with its manifest in the blob store)
 * converts every TIFF and finalizes once, in the shape Arke's `enqueue-processed` reads: the whole
 * file list with logical paths and processing configs, converted TIFFs kept beside their JPEGs,
 * measured sizes, and the discovery context passed back.
 */
import assert from "node:assert/strict";
import { waitFor } from "../support/wait.ts";
import { preprocessKiln, waitForBatch } from "../preprocess/helpers.ts";
import { encodeTiff, type PageSpec } from "../preprocess/tiff_fixtures.ts";
import type { TestKiln } from "../support/kiln.ts";

const serviceToken = "test-service-token-0123456789abcdef-012345";
const asIngest = { authorization: `Bearer ${serviceToken}` };

type Fields = Record<string, unknown>;
interface ListedFile {
  r2_key: string;
  file_name: string;
  logical_path: string;
  file_size: number;
  content_type: string;
  cid?: string;
  processing_config?: Fields;
  preprocessor_tags?: string[];
  source_file?: string;
}

async function fixture(name: string): Promise<Fields> {
  const { source: _source, ...message } = JSON.parse(
    await Deno.readTextFile(new URL(`./fixtures/${name}.json`, import.meta.url)),
  );
  return message;
}

/** Arke's ingest: `POST /api/batches/:id/enqueue-processed`, refusing what its handler cannot read. */
function fakeIngest() {
  const received: { batchId: string; body: Fields }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const match = /^\/api\/batches\/([^/]+)\/enqueue-processed$/.exec(new URL(request.url).pathname);
    if (!match) return new Response("Not found", { status: 404 });
    const body = await request.json();
    const files = body.files as ListedFile[] | undefined;
    if (!Array.isArray(files) || files.length === 0) {
      return Response.json({ error: "Missing or invalid files array" }, { status: 400 });
    }
    if (files.some((file) => typeof file.logical_path !== "string")) {
      return Response.json({ error: "Internal server error" }, { status: 500 }); // logical_path.lastIndexOf
    }
    received.push({ batchId: match[1], body });
    return Response.json({
      success: true,
      batch_id: match[1],
      status: "enqueued",
      total_files: files.length,
    });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    received,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** The TIFF each fixture file gets: a two-page scan, a 16-bit grayscale map, plain RGB otherwise. */
function pagesFor(fileName: string): PageSpec[] {
  if (fileName.startsWith("county-survey")) {
    return [{ width: 40, height: 30, colour: "rgb" }, { width: 30, height: 40, colour: "gray" }];
  }
  if (fileName.startsWith("atlas")) return [{ width: 48, height: 32, colour: "gray", bits: 16 }];
  return [{ width: 32, height: 24, colour: "rgb", compression: "lzw" }];
}

async function uploadAll(kiln: TestKiln, files: ListedFile[]) {
  for (const file of files) {
    const bytes = /\.tiff?$/i.test(file.file_name)
      ? await encodeTiff({ pages: pagesFor(file.file_name) })
      : new TextEncoder().encode(`contents of ${file.file_name}`);
    await kiln.services.blobs.put(file.r2_key, bytes);
  }
}

const directoryFiles = (message: Fields) =>
  (message.directories as { processing_config: Fields; files: ListedFile[] }[]).flatMap((directory) =>
    directory.files.map((file) => ({ ...file, processing_config: directory.processing_config }))
  );

Deno.test("each of Arke's queue message forms converts, keeps directory paths and finalizes once", async () => {
  await using ingest = fakeIngest();
  await using kiln = await preprocessKiln({ WORKER_URL: ingest.url });
  const flat = await fixture("arke_flat_message");
  const directories = await fixture("arke_directories_message");
  const manifestMessage = await fixture("arke_manifest_message");
  const manifest = await fixture("arke_manifest");
  const cases: { message: Fields; path: string; files: ListedFile[] }[] = [
    { message: flat, path: "/preprocess/test", files: flat.files as ListedFile[] },
    { message: directories, path: "/preprocess/batches", files: directoryFiles(directories) },
    { message: manifestMessage, path: "/preprocess/batches", files: directoryFiles(manifest) },
  ];
  await kiln.services.blobs.put(
    manifestMessage.manifest_r2_key as string,
    new TextEncoder().encode(JSON.stringify(manifest, null, 2)),
    { contentType: "application/json" },
  );

  for (const { message, path, files } of cases) {
    await uploadAll(kiln, files);
    const response = await kiln.request(path, { json: message, headers: asIngest });
    assert.equal(response.status, 202, await response.clone().text());
    const done = await waitForBatch(kiln, message.batch_id as string);
    const tiffs = files.filter((file) => /\.tiff?$/i.test(file.file_name));
    assert.deepEqual(done.progress, {
      tasks_total: tiffs.length,
      tasks_completed: tiffs.length,
      tasks_failed: 0,
    });
  }
  await waitFor(
    "ingest to hear about all three batches",
    () => ingest.received.length >= 3 ? true : undefined,
  );

  for (const { message, files } of cases) {
    const told = ingest.received.filter((entry) => entry.batchId === message.batch_id);
    assert.equal(told.length, 1, `${message.batch_id} finalized once`);
    const listed = told[0].body.files as ListedFile[];
    for (const input of files) {
      const entry = listed.find((file) => file.r2_key === input.r2_key);
      assert.ok(entry, `${input.r2_key} is still in the list`);
      assert.equal(entry.logical_path, input.logical_path);
      assert.deepEqual(entry.processing_config, input.processing_config);
      assert.equal(entry.cid, input.cid);
      if (!/\.tiff?$/i.test(input.file_name)) {
        assert.equal(entry.preprocessor_tags, undefined, "other files pass through untouched");
        continue;
      }
      assert.deepEqual(entry.preprocessor_tags, ["TiffConverter:source"]);
      const jpegs = listed.filter((file) => file.source_file === input.file_name);
      assert.equal(jpegs.length, pagesFor(input.file_name).length, "one JPEG per page");
      for (const [index, jpeg] of jpegs.entries()) {
        const stem = input.logical_path.replace(/\.tiff?$/i, "");
        assert.equal(jpeg.logical_path, index === 0 ? `${stem}.jpg` : `${stem}-p${index + 1}.jpg`);
        assert.equal(
          jpeg.r2_key.slice(0, jpeg.r2_key.lastIndexOf("/")),
          input.r2_key.slice(0, input.r2_key.lastIndexOf("/")),
        );
        assert.deepEqual(jpeg.preprocessor_tags, ["TiffConverter"]);
        assert.equal(jpeg.content_type, "image/jpeg");
        assert.deepEqual(jpeg.processing_config, input.processing_config);
        assert.equal(jpeg.file_size, (await kiln.services.blobs.head(jpeg.r2_key))!.size, "the real size");
      }
    }
  }
  const manifestFinalize = ingest.received.find((entry) => entry.batchId === manifestMessage.batch_id)!.body;
  for (const key of ["root_pi", "node_pis", "node_tips", "node_versions"]) {
    assert.deepEqual(manifestFinalize[key], manifestMessage[key], `${key} is handed back to ingest`);
  }
  const { default: sharp } = await import("sharp");
  const atlas = await kiln.services.blobs.get("staging/01KAMANIFEST00000000000000/maps/1890/atlas.jpg");
  const metadata = await sharp(new Uint8Array(await new Response(atlas!.body).arrayBuffer())).metadata();
  assert.deepEqual([metadata.channels, metadata.space], [1, "b-w"], "16-bit grayscale → grayscale JPEG");
});

Deno.test("a missing or malformed manifest is a 422 naming its key; the seed's health shape", async () => {
  await using kiln = await preprocessKiln();
  const message = await fixture("arke_manifest_message");
  const key = message.manifest_r2_key as string;
  const submit = async (body: Fields) => {
    const response = await kiln.request("/preprocess/batches", { json: body, headers: asIngest });
    return { status: response.status, body: await response.json() };
  };

  const missing = await submit(message);
  assert.deepEqual([missing.status, missing.body.code, missing.body.manifest_r2_key], [
    422,
    "manifest_not_found",
    key,
  ]);
  assert.match(missing.body.detail, new RegExp(key));

  await kiln.services.blobs.put(key, new TextEncoder().encode("{ not json"));
  const malformed = await submit(message);
  assert.deepEqual([malformed.status, malformed.body.code], [422, "manifest_invalid"]);
  assert.match(malformed.body.detail, new RegExp(key));

  await kiln.services.blobs.put(
    key,
    new TextEncoder().encode(JSON.stringify({ directories: [{ files: "x" }] })),
  );
  const wrongShape = await submit(message);
  assert.equal(wrongShape.body.code, "manifest_invalid");
  assert.ok(
    wrongShape.body.issues.some((issue: { path: string }) => issue.path.startsWith("manifest.directories.0")),
  );

  await kiln.services.blobs.put(
    key,
    new TextEncoder().encode(JSON.stringify({ batch_id: "other", directories: [] })),
  );
  assert.equal((await submit(message)).body.code, "manifest_mismatch");

  const both = await submit({ ...message, files: [{ r2_key: "a.tif", file_name: "a.tif", file_size: 1 }] });
  assert.deepEqual([both.status, both.body.code], [422, "validation_failed"]);
  const escaping = await submit({ ...message, manifest_r2_key: "../secrets.json" });
  assert.deepEqual([escaping.status, escaping.body.code], [422, "invalid_blob_key"]);
  assert.equal(
    (await kiln.request("/preprocess/status/01KAMANIFEST00000000000000", { admin: true })).status,
    404,
  );

  const health = await kiln.request("/preprocess/health");
  assert.equal(health.status, 200);
  const body = await health.json();
  assert.deepEqual(Object.keys(body), ["status", "service", "timestamp"]);
  assert.deepEqual([body.status, body.service], ["ok", "arke-preprocessing-orchestrator"]);
  assert.ok(!Number.isNaN(Date.parse(body.timestamp)));
});
