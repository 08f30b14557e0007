/**
 * The converter on every variant, both pixel paths: plain 8-bit gray/RGB/RGBA pages go through
 * libvips (sharp) when it loads, everything else through utif2; either way the JPEG must show the
 * generated pixels.
 */
import assert from "node:assert/strict";
import { Image } from "imagescript";
import { convertTiff } from "../../lib/preprocess/convert.ts";
import { assertPixelsClose, colours, compressions, encodeTiff, type PageSpec } from "./tiff_fixtures.ts";

Deno.test("every colour × 8/16 bits × compression × byte order converts to the right pixels", async () => {
  let converted = 0;
  for (const colour of colours) {
    for (const bits of [8, 16] as const) {
      for (const compression of compressions) {
        for (const bigEndian of [false, true]) {
          const page: PageSpec = { width: 41, height: 33, colour, bits, compression };
          const what = `${colour} ${bits}-bit ${compression} ${bigEndian ? "MM" : "II"}`;
          const tiff = await encodeTiff({ pages: [page], bigEndian });
          const [result] = await convertTiff(tiff);
          const image = await Image.decode(result.jpeg);
          assert.deepEqual([image.width, image.height], [41, 33], what);
          assertPixelsClose(image, page, what);
          converted++;
        }
      }
    }
  }
  assert.equal(converted, 96);
});

Deno.test("a multi-page file gives one JPEG per page, each with its own size", async () => {
  const pages: PageSpec[] = [
    { width: 20, height: 10, colour: "rgb" },
    { width: 30, height: 12, colour: "gray", compression: "lzw" },
    { width: 16, height: 16, colour: "palette", compression: "packbits" },
    { width: 25, height: 9, colour: "rgba", compression: "deflate" },
  ];
  const converted = await convertTiff(await encodeTiff({ pages }));
  assert.deepEqual(converted.map((page) => [page.page, page.width, page.height]), [
    [1, 20, 10],
    [2, 30, 12],
    [3, 16, 16],
    [4, 25, 9],
  ]);
  for (const [index, page] of pages.entries()) {
    assertPixelsClose(await Image.decode(converted[index].jpeg), page, `page ${index + 1}`);
  }
});

Deno.test("grayscale pages (8 and 16 bits, either byte order) become single-channel grayscale JPEGs", async () => {
  const { default: sharp } = await import("sharp");
  for (const colour of ["gray", "gray-white-is-zero", "rgb"] as const) {
    for (const bits of [8, 16] as const) {
      for (const bigEndian of [false, true]) {
        const page: PageSpec = { width: 40, height: 24, colour, bits, compression: "lzw" };
        const what = `${colour} ${bits}-bit ${bigEndian ? "MM" : "II"}`;
        const [result] = await convertTiff(await encodeTiff({ pages: [page], bigEndian }));
        const metadata = await sharp(result.jpeg).metadata();
        assert.equal(metadata.format, "jpeg", what);
        assert.equal(metadata.channels, colour === "rgb" ? 3 : 1, what);
        assert.equal(metadata.space, colour === "rgb" ? "srgb" : "b-w", what);
        assertPixelsClose(await Image.decode(result.jpeg), page, what);
      }
    }
  }
});
