import assert from "node:assert/strict";
import { KilnError } from "../../lib/errors.ts";
import { cacheKeyOf } from "../../lib/transcription/cache.ts";
import { isPublicAddress } from "../../lib/net/address.ts";
import { assertPublicUrl, normaliseMediaUrl } from "../../lib/transcription/url_policy.ts";

Deno.test("normalisation makes shared links of one video one cache key", async () => {
  const forms = [
    "https://www.TikTok.com/@user/video/123?utm_source=copy&is_from_webapp=1#comments",
    "https://www.tiktok.com:443/@user/video/123/",
    "HTTPS://www.tiktok.com/@user/video/123?_r=1",
  ];
  const normalised = new Set(forms.map(normaliseMediaUrl));
  assert.deepEqual([...normalised], ["https://www.tiktok.com/@user/video/123"]);
  assert.equal(new Set(await Promise.all(forms.map(cacheKeyOf))).size, 1);
  assert.equal(normaliseMediaUrl("https://a.example/x?b=2&a=1"), "https://a.example/x?a=1&b=2");
  assert.notEqual(normaliseMediaUrl("https://a.example/x?v=1"), normaliseMediaUrl("https://a.example/x?v=2"));
});

Deno.test("private, loopback and link-local addresses are recognised", () => {
  for (
    const address of [
      "127.0.0.1",
      "10.0.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "::",
      "fd00::1",
      "fe80::1",
      "::ffff:10.0.0.1",
      "224.0.0.1",
    ]
  ) {
    assert.equal(isPublicAddress(address), false, address);
  }
  for (const address of ["8.8.8.8", "172.32.0.1", "1.1.1.1", "2606:4700:4700::1111"]) {
    assert.equal(isPublicAddress(address), true, address);
  }
});

Deno.test("a hostname that resolves to a private address is refused (DNS checked, not only literals)", async () => {
  const resolve = (host: string) =>
    Promise.resolve(host === "evil.example" ? ["93.184.216.34", "10.0.0.5"] : ["93.184.216.34"]);
  await assert.rejects(
    assertPublicUrl(new URL("http://evil.example/a.mp3"), { allowPrivate: false, resolve }),
    (error) => error instanceof KilnError && error.code === "url_not_allowed",
  );
  await assertPublicUrl(new URL("http://good.example/a.mp3"), { allowPrivate: false, resolve });
  await assert.rejects(
    assertPublicUrl(new URL("http://nowhere.example/a.mp3"), {
      allowPrivate: false,
      resolve: () => Promise.resolve([]),
    }),
    (error) => error instanceof KilnError && error.code === "url_unresolvable",
  );
  await assertPublicUrl(new URL("http://127.0.0.1/a.mp3"), { allowPrivate: true });
});
