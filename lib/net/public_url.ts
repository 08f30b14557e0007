/**
 * Fetching a URL someone else chose (a media link, a webhook's result URL) without letting it reach
 * inside: only http(s); the host — as an IP literal, or every address its name resolves to — must be
 * public (lib/net/address.ts); and redirects are followed by hand so each hop is checked the same
 * way. `allowPrivate` lifts the address check for tests that serve from loopback.
 */
import { KilnError } from "../errors.ts";
import { isPublicAddress, parseIp } from "./address.ts";

export interface UrlPolicy {
  allowPrivate: boolean;
  /** Hostname → addresses (tests inject one; default Deno.resolveDns A + AAAA). */
  resolve?: (hostname: string) => Promise<string[]>;
}

/** Throws KilnError("invalid", …) unless `url` is http(s) on a public address. */
export async function assertPublicUrl(url: URL, policy: UrlPolicy): Promise<void> {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new KilnError("invalid", "url_scheme_not_allowed", "Only http and https URLs can be fetched.");
  }
  if (policy.allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local")) {
    throw privateTarget(host);
  }
  if (parseIp(host)) {
    if (!isPublicAddress(host)) throw privateTarget(host);
    return;
  }
  const addresses = await (policy.resolve ?? resolveHost)(host).catch(() => {
    throw unresolvable(host);
  });
  if (addresses.length === 0) throw unresolvable(host);
  const blocked = addresses.find((address) => !isPublicAddress(address));
  if (blocked) throw privateTarget(`${host} (${blocked})`);
}

/**
 * `fetch` that checks the URL and every redirect target with `assertPublicUrl` (at most
 * `maxRedirects` hops). Resolves with the final response; a redirect loop is a 502 problem.
 */
export async function fetchPublic(
  url: URL,
  init: RequestInit & { policy: UrlPolicy; maxRedirects?: number },
): Promise<Response> {
  const { policy, maxRedirects = 5, ...request } = init;
  let target = url;
  for (let hop = 0; hop <= maxRedirects; hop++) {
    await assertPublicUrl(target, policy);
    const response = await fetch(target, { ...request, redirect: "manual" });
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || !location) return response;
    await response.body?.cancel();
    try {
      target = new URL(location, target);
    } catch {
      throw new KilnError("upstream", "bad_redirect", "The server redirected to an invalid URL.");
    }
  }
  throw new KilnError("upstream", "too_many_redirects", "The URL redirected too often.");
}

async function resolveHost(hostname: string): Promise<string[]> {
  const results = await Promise.allSettled([
    Deno.resolveDns(hostname, "A"),
    Deno.resolveDns(hostname, "AAAA"),
  ]);
  return results.flatMap((result) => result.status === "fulfilled" ? result.value : []);
}

function unresolvable(host: string): KilnError {
  return new KilnError("invalid", "url_unresolvable", `The host ${host} could not be resolved.`);
}

function privateTarget(host: string): KilnError {
  return new KilnError(
    "invalid",
    "url_not_allowed",
    `URLs must point at a public address; ${host} is loopback, private or link-local.`,
  );
}
