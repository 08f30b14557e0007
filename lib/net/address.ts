/**
 * The one address classifier for every server-side fetch: is this IP a public unicast address?
 * Parsed to bytes, not matched as text, so every spelling of an address is judged the same — and
 * every IPv6 form that carries an IPv4 address inside (mapped, compatible, translated, NAT64, 6to4,
 * Teredo, ISATAP) is judged by that IPv4 address too: `::ffff:7f00:1`, `::7f00:1`, `2002:7f00:1::`
 * and a Teredo address pointing at 127.0.0.1 are all loopback here.
 */

/** 4 or 16 bytes of an IP literal (`1.2.3.4`, `2001:db8::1`, `[::1]`, `fe80::1%eth0`); undefined otherwise. */
export function parseIp(text: string): Uint8Array | undefined {
  const host = text.trim().replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
  return host.includes(":") ? parseIpv6(host) : parseIpv4(host);
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) {
    return undefined;
  }
  return new Uint8Array(parts.map(Number));
}

function parseIpv6(text: string): Uint8Array | undefined {
  let head = text;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
    head = text.slice(0, lastColon);
    if (head.endsWith(":")) head += ":"; // "::a.b.c.d" and "x::a.b.c.d" keep their "::"
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const group = (part: string) => part === "" ? [] : part.split(":");
  const left = group(halves[0]);
  const right = halves.length === 2 ? group(halves[1]) : [];
  if (![...left, ...right].every((piece) => /^[0-9a-f]{1,4}$/i.test(piece))) return undefined;
  const given = left.length + right.length + tail.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  const words = [
    ...left.map((piece) => parseInt(piece, 16)),
    ...new Array(8 - given).fill(0),
    ...right.map((piece) => parseInt(piece, 16)),
    ...tail,
  ];
  const bytes = new Uint8Array(16);
  words.forEach((word, index) => {
    bytes[index * 2] = word >> 8;
    bytes[index * 2 + 1] = word & 255;
  });
  return bytes;
}

/** True only for a public unicast address; anything unparsable is not public. */
export function isPublicAddress(text: string): boolean {
  const bytes = parseIp(text);
  if (!bytes) return false;
  return bytes.length === 4 ? isPublicIpv4(bytes) : isPublicIpv6(bytes);
}

function isPublicIpv4([a, b, c]: Uint8Array): boolean {
  return !(
    a === 0 || a === 10 || a === 127 || a >= 224 || // this network, private, loopback, multicast, reserved
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) || // IETF protocol assignments, TEST-NET-1
    (a === 192 && b === 88 && c === 99) || // 6to4 relay anycast
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    (a === 198 && b === 51 && c === 100) || // TEST-NET-2
    (a === 203 && b === 0 && c === 113) // TEST-NET-3
  );
}

function isPublicIpv6(bytes: Uint8Array): boolean {
  const word = (index: number) => (bytes[index * 2] << 8) | bytes[index * 2 + 1];
  const v4At = (offset: number, invert = false) =>
    bytes.slice(offset, offset + 4).map((byte) => invert ? byte ^ 255 : byte);
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((byte) => byte === 0);

  // IPv4 carried inside: judged by the IPv4 address (and never public where the form is local-only).
  if (zeros(0, 10) && word(5) === 0xffff) return isPublicIpv4(v4At(12)); // ::ffff:a.b.c.d (mapped)
  if (zeros(0, 8) && word(4) === 0xffff && word(5) === 0) return false; // ::ffff:0:a.b.c.d (translated)
  if (zeros(0, 12)) return false; // ::, ::1 and ::a.b.c.d (IPv4-compatible, deprecated)
  if (word(0) === 0x64 && word(1) === 0xff9b) {
    return zeros(4, 12) && isPublicIpv4(v4At(12)); // NAT64 64:ff9b::/96; 64:ff9b:1::/48 is local
  }
  if (word(0) === 0x2002) return isPublicIpv4(v4At(2)); // 6to4
  if (word(0) === 0x2001 && word(1) === 0) {
    return isPublicIpv4(v4At(4)) && isPublicIpv4(v4At(12, true)); // Teredo: server, obfuscated client
  }
  if ((word(5) === 0x5efe) && (word(4) === 0 || word(4) === 0x200) && !isPublicIpv4(v4At(12))) {
    return false; // ISATAP interface identifier
  }
  if ((bytes[0] & 0xe0) !== 0x20) return false; // only 2000::/3 is global unicast
  if (word(0) === 0x2001 && word(1) === 0x0db8) return false; // documentation
  if (word(0) === 0x2001 && (word(1) & 0xffe0) === 0x0020) return false; // ORCHID v2
  if (word(0) === 0x2001 && (word(1) & 0xfff0) === 0x0010) return false; // ORCHID
  return true;
}
