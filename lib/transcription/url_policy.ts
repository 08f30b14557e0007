/**
 * Which media URLs the service may fetch, and the one normalisation used for cache keys (the same
 * on read and write). Only http(s); loopback, private, link-local, CGNAT, multicast and
 * unspecified addresses are refused — checked on the literal host and on every address its name
 * resolves to — unless TTT_ALLOW_PRIVATE_URLS is set (tests serve media from loopback).
 */
import { KilnError } from "../errors.ts";

export interface UrlPolicy {
  allowPrivate: boolean;
  /** Hostname → addresses (tests inject one; default Deno.resolveDns A + AAAA). */
  resolve?: (hostname: string) => Promise<string[]>;
}

export function parseMediaUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused("invalid_url", "The url is not an absolute URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw refused("url_scheme_not_allowed", "Only http and https media URLs are accepted.");
  }
  if (url.username || url.password) {
    throw refused("url_credentials_not_allowed", "URLs with credentials are refused.");
  }
  return url;
}

/** Throws KilnError("invalid", "url_not_allowed") for a private target. */
export async function assertPublicUrl(url: URL, policy: UrlPolicy): Promise<void> {
  if (policy.allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local")) {
    throw privateTarget(host);
  }
  if (isIpLiteral(host)) {
    if (isPrivateAddress(host)) throw privateTarget(host);
    return;
  }
  const addresses = await (policy.resolve ?? resolveHost)(host).catch(() => {
    throw refused("url_unresolvable", `The host ${host} could not be resolved.`);
  });
  if (addresses.length === 0) throw refused("url_unresolvable", `The host ${host} could not be resolved.`);
  const blocked = addresses.find(isPrivateAddress);
  if (blocked) throw privateTarget(`${host} (${blocked})`);
}

async function resolveHost(hostname: string): Promise<string[]> {
  const results = await Promise.allSettled([
    Deno.resolveDns(hostname, "A"),
    Deno.resolveDns(hostname, "AAAA"),
  ]);
  return results.flatMap((result) => result.status === "fulfilled" ? result.value : []);
}

function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":");
}

/** True for any address that is not a public unicast address. */
export function isPrivateAddress(address: string): boolean {
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return isPrivateAddress(mapped[1]);
  // The URL parser rewrites [::ffff:127.0.0.1] as [::ffff:7f00:1]: decode that form too.
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (mappedHex) {
    const [high, low] = [parseInt(mappedHex[1], 16), parseInt(mappedHex[2], 16)];
    return isPrivateAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(lower);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 0 || a === 10 || a === 127 || a >= 224 ||
      (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
      (a === 169 && b === 254) || // link-local, cloud metadata
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 192 && b === 0) ||
      (a === 198 && (b === 18 || b === 19));
  }
  if (lower === "::" || lower === "::1") return true;
  // Unique-local fc00::/7, link-local fe80::/10, multicast ff00::/8, IPv4-compatible ::a.b.c.d.
  return /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower) || lower.startsWith("ff") ||
    /^::(\d+\.){3}\d+$/.test(lower) || lower.startsWith("64:ff9b:");
}

/** Query parameters that only track the click; dropping them lets shared links hit the cache. */
const trackingParameters = /^(utm_.*|fbclid|gclid|igshid|is_from_webapp|sender_device|_r|_t|si)$/i;

/**
 * The cache identity of a media URL: lower-case scheme and host, default port and fragment removed,
 * tracking parameters dropped, remaining parameters sorted, no trailing slash.
 */
export function normaliseMediaUrl(raw: string): string {
  const url = parseMediaUrl(raw.trim());
  url.hash = "";
  const kept = [...url.searchParams.entries()]
    .filter(([name]) => !trackingParameters.test(name))
    .sort(([a, x], [b, y]) => a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1);
  url.search = new URLSearchParams(kept).toString();
  if (url.pathname.length > 1) url.pathname = url.pathname.replace(/\/+$/, "");
  return url.toString();
}

function refused(code: string, message: string): KilnError {
  return new KilnError("invalid", code, message);
}

function privateTarget(host: string): KilnError {
  return new KilnError(
    "invalid",
    "url_not_allowed",
    `Media URLs must point at a public address; ${host} is loopback, private or link-local.`,
  );
}
