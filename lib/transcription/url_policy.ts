/**
 * Which media URLs the service may fetch, and the one normalisation used for cache keys (the same
 * on read and write). Only http(s) without credentials; the address check (loopback, private,
 * link-local, CGNAT, multicast, every IPv6 form embedding those) is lib/net's, lifted only by
 * TTT_ALLOW_PRIVATE_URLS (tests serve media from loopback).
 */
import { KilnError } from "../errors.ts";

// The address guard is the platform's one classifier (lib/net), shared with every server-side fetch.
export { assertPublicUrl, type UrlPolicy } from "../net/public_url.ts";

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
