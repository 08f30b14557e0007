import assert from "node:assert/strict";
import { clientIp, ipRateLimitKey, normalizeIp } from "../../lib/http/client_ip.ts";

Deno.test("without trusted proxies X-Forwarded-For is ignored: a caller cannot pick its address", () => {
  assert.equal(
    clientIp({ remoteAddress: "203.0.113.7", forwardedFor: "1.2.3.4", trustedProxyHops: 0 }),
    "203.0.113.7",
  );
  assert.equal(
    clientIp({ remoteAddress: "203.0.113.7", forwardedFor: "1.2.3.4, 5.6.7.8", trustedProxyHops: 0 }),
    "203.0.113.7",
  );
});

Deno.test("with one trusted proxy the rightmost entry is the client, whatever the caller prepended", () => {
  // The caller sent "X-Forwarded-For: 1.2.3.4"; our proxy appended the address it really saw.
  assert.equal(
    clientIp({ remoteAddress: "10.0.0.2", forwardedFor: "1.2.3.4, 198.51.100.9", trustedProxyHops: 1 }),
    "198.51.100.9",
  );
  assert.equal(
    clientIp({ remoteAddress: "10.0.0.2", forwardedFor: "198.51.100.9", trustedProxyHops: 1 }),
    "198.51.100.9",
  );
  // Several X-Forwarded-For headers arrive joined with ", ": still one list.
  assert.equal(
    clientIp({
      remoteAddress: "10.0.0.2",
      forwardedFor: "9.9.9.9, 8.8.8.8, 198.51.100.9",
      trustedProxyHops: 1,
    }),
    "198.51.100.9",
  );
});

Deno.test("with two trusted proxies the second entry from the right is the client", () => {
  assert.equal(
    clientIp({
      remoteAddress: "10.0.0.3",
      forwardedFor: "6.6.6.6, 198.51.100.9, 10.0.0.2",
      trustedProxyHops: 2,
    }),
    "198.51.100.9",
  );
  // A forged entry that looks like our own proxy does not help either.
  assert.equal(
    clientIp({
      remoteAddress: "10.0.0.3",
      forwardedFor: "10.0.0.2, 198.51.100.9, 10.0.0.2",
      trustedProxyHops: 2,
    }),
    "198.51.100.9",
  );
});

Deno.test("a list shorter than the hop count uses its leftmost entry, which a trusted proxy wrote", () => {
  assert.equal(
    clientIp({ remoteAddress: "10.0.0.3", forwardedFor: "198.51.100.9", trustedProxyHops: 2 }),
    "198.51.100.9",
  );
});

Deno.test("a missing, empty or garbage header falls back to the remote address", () => {
  assert.equal(clientIp({ remoteAddress: "10.0.0.2", forwardedFor: null, trustedProxyHops: 1 }), "10.0.0.2");
  assert.equal(clientIp({ remoteAddress: "10.0.0.2", trustedProxyHops: 1 }), "10.0.0.2");
  assert.equal(
    clientIp({ remoteAddress: "10.0.0.2", forwardedFor: " , ,", trustedProxyHops: 1 }),
    "10.0.0.2",
  );
  assert.equal(
    clientIp({ remoteAddress: "10.0.0.2", forwardedFor: "1.2.3.4, unknown", trustedProxyHops: 1 }),
    "10.0.0.2",
  );
  assert.equal(
    clientIp({ remoteAddress: "10.0.0.2", forwardedFor: "1.2.3.4, <script>", trustedProxyHops: 1 }),
    "10.0.0.2",
  );
  assert.equal(
    clientIp({ remoteAddress: "10.0.0.2", forwardedFor: "1.2.3.4, 999.1.1.1", trustedProxyHops: 1 }),
    "10.0.0.2",
  );
});

Deno.test("nothing known gives 'unknown'", () => {
  assert.equal(clientIp({ trustedProxyHops: 0 }), "unknown");
  assert.equal(clientIp({ remoteAddress: "", forwardedFor: "1.2.3.4", trustedProxyHops: 0 }), "unknown");
  assert.equal(
    clientIp({ remoteAddress: "not-an-ip", forwardedFor: "garbage", trustedProxyHops: 1 }),
    "unknown",
  );
});

Deno.test("an invalid hop count is treated as 0 (ignore the header) rather than trusting it", () => {
  for (const hops of [-1, 1.5, Number.NaN, Infinity]) {
    assert.equal(
      clientIp({ remoteAddress: "203.0.113.7", forwardedFor: "1.2.3.4", trustedProxyHops: hops }),
      "203.0.113.7",
    );
  }
});

Deno.test("addresses are normalised: ports, brackets, quotes, zones, IPv4-mapped IPv6, case", () => {
  assert.equal(normalizeIp("1.2.3.4:5678"), "1.2.3.4");
  assert.equal(normalizeIp("[2001:DB8::1]:443"), "2001:db8::1");
  assert.equal(normalizeIp("[2001:db8::1]"), "2001:db8::1");
  assert.equal(normalizeIp('"[2001:db8::1]:80"'), "2001:db8::1");
  assert.equal(normalizeIp("::ffff:1.2.3.4"), "1.2.3.4");
  assert.equal(normalizeIp("::FFFF:102:304"), "1.2.3.4");
  assert.equal(normalizeIp("[::ffff:198.51.100.9]:1234"), "198.51.100.9");
  assert.equal(normalizeIp("2001:0db8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  assert.equal(normalizeIp("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
  assert.equal(normalizeIp("fe80::1%eth0"), "fe80::1");
  assert.equal(normalizeIp("::1"), "::1");
  assert.equal(normalizeIp("::"), "::");
  assert.equal(
    clientIp({ remoteAddress: "::ffff:10.0.0.2", forwardedFor: "[2001:DB8::7]:5000", trustedProxyHops: 1 }),
    "2001:db8::7",
  );
  assert.equal(clientIp({ remoteAddress: "::ffff:203.0.113.7", trustedProxyHops: 0 }), "203.0.113.7");
});

Deno.test("things that are not IP addresses are rejected", () => {
  for (
    const raw of [
      "",
      "unknown",
      "example.com",
      "_hidden",
      "1.2.3",
      "1.2.3.4.5",
      "01.2.3.4",
      "256.1.1.1",
      "1.2.3.4:port",
      "1:2:3:4:5:6:7:8:9",
      "1::2::3",
      "12345::1",
      "[::1",
      "[::1]x",
      "::ffff:1.2.3.999",
    ]
  ) {
    assert.equal(normalizeIp(raw), undefined, raw);
  }
});

Deno.test("IPv6 clients are rate-limited per /64, IPv4 per address", () => {
  assert.equal(ipRateLimitKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  assert.equal(ipRateLimitKey("2001:db8:1:2::1"), ipRateLimitKey("2001:db8:1:2:ffff::9"));
  assert.equal(ipRateLimitKey("198.51.100.9"), "198.51.100.9");
  assert.equal(ipRateLimitKey("unknown"), "unknown");
});
