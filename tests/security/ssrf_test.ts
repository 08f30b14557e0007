/**
 * Server-side fetches cannot be pointed inside: every spelling of a private address is refused by
 * the one classifier, redirects are checked hop by hop, and the D-ID result download goes through
 * the same guard.
 */
import assert from "node:assert/strict";
import { isPublicAddress } from "../../lib/net/address.ts";
import { assertPublicUrl, fetchPublic } from "../../lib/net/public_url.ts";
import { createDidProvider } from "../../lib/providers/video/did.ts";
import { fakeDid } from "../providers/fake_did.ts";

const strict = { allowPrivate: false, resolve: () => Promise.resolve(["93.184.216.34"]) };

Deno.test("IPv6 forms that embed 127.0.0.1 (and other private IPv4) are not public", () => {
  const loopbackInDisguise = [
    "::ffff:127.0.0.1", // IPv4-mapped
    "::ffff:7f00:1", // IPv4-mapped, as the URL parser writes it
    "::7f00:1", // IPv4-compatible
    "::127.0.0.1",
    "::ffff:0:7f00:1", // IPv4-translated (SIIT)
    "64:ff9b::7f00:1", // NAT64
    "2002:7f00:1::1", // 6to4
    "2001:0:4136:e378:8000:63bf:80ff:fffe", // Teredo, client 127.0.0.1 (obfuscated)
    "2001:0:7f00:1::1", // Teredo, server 127.0.0.1
    "2001:4860::5efe:7f00:1", // ISATAP
  ];
  for (const address of loopbackInDisguise) assert.equal(isPublicAddress(address), false, address);
  for (const address of ["::ffff:a9fe:a9fe", "2002:a9fe:a9fe::", "64:ff9b::a00:1", "64:ff9b:1::808:808"]) {
    assert.equal(isPublicAddress(address), false, address); // metadata, private, local-use NAT64
  }
  for (const address of ["2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::"]) {
    assert.equal(isPublicAddress(address), true, address);
  }
});

Deno.test("URLs with those hosts, and names resolving to them, are refused before any connection", async () => {
  for (
    const url of [
      "http://[::7f00:1]/a",
      "http://[::ffff:0:7f00:1]/a",
      "http://[2002:7f00:1::1]/a",
      "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/a",
      "http://2130706433/a", // 127.0.0.1 as one number
      "http://0x7f.1/a",
      "file:///etc/passwd",
    ]
  ) {
    await assert.rejects(assertPublicUrl(new URL(url), strict), /public address|http and https/, url);
  }
  const rebinding = {
    allowPrivate: false,
    resolve: () => Promise.resolve(["93.184.216.34", "::ffff:10.0.0.1"]),
  };
  await assert.rejects(assertPublicUrl(new URL("http://mixed.example/"), rebinding), /10\.0\.0\.1/);
});

Deno.test("a redirect to a private address is refused at that hop", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () =>
      new Response(null, { status: 302, headers: { location: "http://169.254.169.254/latest/meta-data/" } }),
  );
  try {
    // The first hop (a test server on loopback) is allowed; every later hop is judged strictly.
    let hops = 0;
    const guarded = {
      resolve: () => Promise.resolve(["93.184.216.34"]),
      get allowPrivate() {
        return hops++ === 0;
      },
    };
    const first = new URL(`http://127.0.0.1:${server.addr.port}/media`);
    await assert.rejects(fetchPublic(first, { policy: guarded }), /169\.254\.169\.254/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("the D-ID result download is refused for private addresses other than D-ID's own", async () => {
  await using fake = fakeDid();
  const did = createDidProvider({ apiKey: "test-did-key", baseUrl: fake.url });
  await assert.rejects(did.download("http://[::ffff:7f00:1]:9/x.mp4"), /refused/);
  await assert.rejects(did.download("http://10.0.0.7/x.mp4"), /refused/);
  await assert.rejects(did.download("ftp://example.com/x.mp4"), /refused/);
});
