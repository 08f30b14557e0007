/**
 * Who is the client? The answer keys rate limits and idempotency scopes of anonymous callers, so it
 * must not be something a caller can choose.
 *
 * `X-Forwarded-For` is a list every proxy *appends* to: `client, proxy1, proxy2`. Anything left of
 * the entry written by our outermost trusted proxy was written by the caller and is worthless. With
 * `trustedProxyHops = N` the client is therefore the N-th entry from the right; with 0 hops (nothing
 * in front of us) the header is ignored entirely and the socket address is the client.
 *
 * Framework free: the route layer passes the socket address (`info.remoteAddr.hostname`) and the raw
 * header value (several `X-Forwarded-For` headers arrive joined by ", ", which is the same list).
 */

export interface ClientIpInput {
  /** The socket peer address, e.g. `Deno.ServeHandlerInfo.remoteAddr.hostname`. */
  remoteAddress?: string | null;
  /** The raw `X-Forwarded-For` header value, if any. */
  forwardedFor?: string | null;
  /** How many reverse proxies we operate in front of the app (0 = exposed directly). */
  trustedProxyHops: number;
}

/**
 * The client's address, normalised (lowercase canonical IPv6, IPv4-mapped IPv6 as IPv4, no port or
 * brackets), or `"unknown"` when nothing trustworthy is known.
 *
 * - 0 hops (or an invalid hop count): the remote address only; `X-Forwarded-For` is spoofable.
 * - N hops: the N-th entry from the right of `X-Forwarded-For`, the address our outermost trusted
 *   proxy saw. If the list is shorter than N (a request that reached an inner proxy directly), every
 *   entry was still appended by a trusted proxy, so the leftmost one is used. When the header is
 *   missing, or the chosen entry is not an IP address, the remote address is the fallback.
 */
export function clientIp(input: ClientIpInput): string {
  const remote = normalizeIp(input.remoteAddress ?? "") ?? "unknown";
  const hops = Number.isSafeInteger(input.trustedProxyHops) && input.trustedProxyHops > 0
    ? input.trustedProxyHops
    : 0;
  if (hops === 0 || !input.forwardedFor) return remote;

  const entries = input.forwardedFor.split(",").map((entry) => entry.trim()).filter((entry) => entry !== "");
  if (entries.length === 0) return remote;
  // Only the rightmost `hops` entries matter; the caller-controlled rest is never parsed.
  const index = Math.max(0, entries.length - hops);
  return normalizeIp(entries[index]) ?? remote;
}

/**
 * Parses one address as it appears in a socket address or a forwarding header: `1.2.3.4`,
 * `1.2.3.4:5678`, `2001:DB8::1`, `[2001:db8::1]:443`, `fe80::1%eth0`, `"[::1]"`, `::ffff:1.2.3.4`.
 * Returns the canonical text form, or undefined when it is not an IP address (e.g. `unknown`,
 * obfuscated RFC 7239 identifiers, host names).
 */
export function normalizeIp(raw: string): string | undefined {
  let text = raw.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1).trim();
  if (text === "" || text.length > 100) return undefined;

  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0) return undefined;
    const rest = text.slice(close + 1);
    if (rest !== "" && !/^:\d{1,5}$/.test(rest)) return undefined;
    return formatIpv6(text.slice(1, close));
  }
  const colons = text.split(":").length - 1;
  if (colons === 0) return parseIpv4(text)?.join(".");
  if (colons === 1) {
    // IPv4 with a port; a bare IPv6 address always has at least two colons.
    const [host, port] = text.split(":");
    if (!/^\d{1,5}$/.test(port)) return undefined;
    return parseIpv4(host)?.join(".");
  }
  return formatIpv6(text);
}

/**
 * The key to rate-limit an address by. An IPv6 end site usually owns a whole /64, so limiting single
 * IPv6 addresses is trivially evaded; IPv6 addresses are grouped by their /64 prefix. IPv4 addresses
 * (and "unknown") are returned unchanged.
 */
export function ipRateLimitKey(ip: string): string {
  if (!ip.includes(":")) return ip;
  const groups = parseIpv6(ip);
  if (!groups) return ip;
  return `${formatGroups([...groups.slice(0, 4), 0, 0, 0, 0])}/64`;
}

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const octets: number[] = [];
  for (const part of parts) {
    // No leading zeros: "010" is octal to some parsers and decimal to others; refuse the ambiguity.
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    octets.push(value);
  }
  return octets;
}

/** Eight 16-bit groups, or undefined. Accepts `::` compression, an embedded IPv4 tail and a zone id. */
function parseIpv6(input: string): number[] | undefined {
  let text = input.toLowerCase();
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  if (text === "" || text.split("::").length > 2) return undefined;

  const parseSide = (side: string, allowIpv4Tail: boolean): number[] | undefined => {
    if (side === "") return [];
    const pieces = side.split(":");
    const groups: number[] = [];
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (allowIpv4Tail && i === pieces.length - 1 && piece.includes(".")) {
        const octets = parseIpv4(piece);
        if (!octets) return undefined;
        groups.push((octets[0] << 8) | octets[1], (octets[2] << 8) | octets[3]);
      } else {
        if (!/^[0-9a-f]{1,4}$/.test(piece)) return undefined;
        groups.push(parseInt(piece, 16));
      }
    }
    return groups;
  };

  const halves = text.split("::");
  if (halves.length === 2) {
    const head = parseSide(halves[0], false);
    const tail = parseSide(halves[1], true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    return [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
  }
  const groups = parseSide(text, true);
  return groups && groups.length === 8 ? groups : undefined;
}

function formatIpv6(text: string): string | undefined {
  const groups = parseIpv6(text);
  if (!groups) return undefined;
  // IPv4-mapped (::ffff:a.b.c.d): a dual-stack socket reporting an IPv4 client.
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join(".");
  }
  return formatGroups(groups);
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
function formatGroups(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestLength < 2) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}
