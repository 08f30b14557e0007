/** The one SHA-256 helper every fingerprint, cache key and token digest goes through. */
import assert from "node:assert/strict";
import { sha256, sha256Hex, toBase64Url } from "../lib/hmac.ts";

Deno.test("sha256Hex matches the FIPS 180-2 vectors for text and for the same bytes", async () => {
  const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  assert.equal(await sha256Hex("abc"), abc);
  assert.equal(await sha256Hex(new TextEncoder().encode("abc")), abc);
  assert.equal(await sha256Hex(new TextEncoder().encode("abc").buffer), abc);
  assert.equal(
    await sha256Hex(""),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
});

Deno.test("sha256 gives the 32 raw bytes (stored token digests are their base64url)", async () => {
  const digest = await sha256("abc");
  assert.equal(digest.length, 32);
  assert.equal(toBase64Url(digest), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
});
