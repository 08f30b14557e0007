/**
 * The audit's hostile files against the contained parsers: each is refused with a stable code, fast,
 * and nothing it does reaches the test process (which plays the server here).
 */
import assert from "node:assert/strict";
import { createPdfTextReader } from "../../lib/doc_to_video/document_text.ts";
import { PermanentJobError } from "../../lib/jobs/types.ts";
import { convertTiff } from "../../lib/preprocess/convert.ts";
import { createConversionPool, UnconvertibleError } from "../../lib/preprocess/pool.ts";
import { englishPdf } from "../doc_to_video/pdfs.ts";
import { flateBombPdf, forgedCountTiff, ifdCycleTiff, manyPagePdf } from "./hostile_files.ts";

const mib = 1024 * 1024;

async function refusal(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  const error = await promise.then(() => undefined, (error) => error);
  assert.ok(error, "the hostile file was accepted");
  return error as { code?: string; message: string };
}

Deno.test("a 16 MB, 100,000-page PDF is refused by its page count in seconds", async () => {
  const reader = createPdfTextReader();
  try {
    const pdf = manyPagePdf(100_000);
    assert.ok(pdf.byteLength > 15 * mib);
    const started = performance.now();
    const error = await refusal(reader.read(pdf));
    assert.ok(error instanceof PermanentJobError);
    assert.equal(error.code, "pdf_too_many_pages");
    assert.match(error.message, /100000 pages; at most 1000/);
    assert.ok(performance.now() - started < 20_000);
  } finally {
    await reader.close();
  }
});

Deno.test("a 3 MB flate bomb (≈ 3 GiB inflated) is refused by its decompressed size", async () => {
  const reader = createPdfTextReader();
  try {
    const pdf = await flateBombPdf();
    assert.ok(pdf.byteLength < 4 * mib);
    const error = await refusal(reader.read(pdf));
    assert.equal(error.code, "pdf_decompression_limit");
  } finally {
    await reader.close();
  }
});

Deno.test("past the pre-checks, the child's memory cap still stops a PDF: pdf_too_complex, reader alive", async () => {
  // Limits loosened so the bomb reaches pdf.js, which then inflates it inside a 300 MiB child.
  const reader = createPdfTextReader({
    limits: { timeoutMs: 60_000, memoryBytes: 300 * mib },
    pdf: { maxPages: 10, maxChars: 50_000, maxDecompressedBytes: Number.MAX_SAFE_INTEGER },
  });
  try {
    const error = await refusal(reader.read(await flateBombPdf(4, 300)));
    assert.ok(error instanceof PermanentJobError);
    assert.equal(error.code, "pdf_too_complex");
    // The next document is read by a fresh child.
    const text = await reader.read(await englishPdf());
    assert.match(text.text, /Solar panels/);
  } finally {
    await reader.close();
  }
});

Deno.test("long documents are read only until the script has enough text", async () => {
  const reader = createPdfTextReader({
    pdf: { maxPages: 1_000, maxChars: 2_000, maxDecompressedBytes: 256 * mib },
  });
  try {
    const text = await reader.read(manyPagePdf(900));
    assert.equal(text.pages, 900);
    assert.equal(text.truncated, true);
    assert.ok(text.text.length <= 2_000);
  } finally {
    await reader.close();
  }
});

Deno.test("the 222-byte TIFF whose directory chain points at itself is corrupt_tiff, at once", async () => {
  const tiff = ifdCycleTiff();
  assert.equal(tiff.byteLength, 222);
  const started = performance.now();
  const error = await refusal(convertTiff(tiff));
  assert.equal(error.code, "corrupt_tiff");
  assert.match(error.message, /loops back/);
  assert.ok(performance.now() - started < 1_000);
});

Deno.test("a TIFF tag claiming a billion values is refused before any decoder allocates them", async () => {
  const error = await refusal(convertTiff(forgedCountTiff()));
  assert.equal(error.code, "corrupt_tiff");
  assert.match(error.message, /1000000000 values/);
});

Deno.test("through the contained pool a hostile TIFF fails permanently and the pool converts the next file", async () => {
  const pool = createConversionPool(1);
  try {
    const error = await refusal(pool.convert(ifdCycleTiff()));
    assert.ok(error instanceof UnconvertibleError);
    assert.equal(error.code, "corrupt_tiff");
    const fine = ifdCycleTiff();
    new DataView(fine.buffer).setUint32(8 + 2 + 9 * 12, 0, true); // end the chain properly
    const pages = await pool.convert(fine);
    assert.equal(pages.length, 1);
    assert.deepEqual([pages[0].width, pages[0].height], [1, 1]);
  } finally {
    await pool.close();
  }
});
