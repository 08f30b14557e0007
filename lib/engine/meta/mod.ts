/**
 * TikTok metadata for `GET /meta?url=`. A provider interface with two implementations: `local`
 * (offline: what the URL itself says — video id, author handle) and `oembed` (TikTok's public
 * oEmbed endpoint). Results are cached in KV for a random 1–6 h (CSPRNG) so a burst of clients
 * asking for one viral video does not stampede TikTok, and their expiries do not line up.
 */
import type { KvStore } from "../../store/types.ts";
import { KilnError } from "../../errors.ts";
import { randomFraction } from "../../ids.ts";
import { engineKeys } from "../keys.ts";

export interface TikTokUrl {
  /** https://www.tiktok.com/@user/video/123 (or the short link as given). */
  canonicalUrl: string;
  videoId: string | null;
  author: string | null;
  shortLink: boolean;
}

export interface VideoMetadata {
  url: string;
  platform: "tiktok";
  videoId: string | null;
  author: string | null;
  authorUrl: string | null;
  title: string | null;
  thumbnailUrl: string | null;
  source: "local" | "oembed";
}

export interface MetadataProvider {
  readonly name: "local" | "oembed";
  lookup(url: TikTokUrl): Promise<VideoMetadata>;
}

const tiktokHosts = /^(?:www\.|m\.|vm\.|vt\.)?tiktok\.com$/i;

/** Parses a TikTok URL or throws 422 `not_tiktok_url`. */
export function parseTikTokUrl(input: string): TikTokUrl {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw notTikTok();
  }
  if (!["http:", "https:"].includes(url.protocol) || !tiktokHosts.test(url.hostname)) throw notTikTok();
  const host = url.hostname.toLowerCase();
  if (host.startsWith("vm.") || host.startsWith("vt.")) {
    const code = url.pathname.split("/").filter(Boolean)[0];
    if (!code || !/^[\w-]+$/.test(code)) throw notTikTok();
    return { canonicalUrl: `https://${host}/${code}/`, videoId: null, author: null, shortLink: true };
  }
  const match = /^\/@([\w.-]+)\/(?:video|photo)\/(\d+)/.exec(url.pathname);
  if (!match) throw notTikTok("The URL is on TikTok but does not point at a video.");
  return {
    canonicalUrl: `https://www.tiktok.com/@${match[1]}/video/${match[2]}`,
    videoId: match[2],
    author: `@${match[1]}`,
    shortLink: false,
  };
}

function notTikTok(message = "Only TikTok video URLs are supported."): KilnError {
  return new KilnError("invalid", "not_tiktok_url", message);
}

export const localMetadataProvider: MetadataProvider = {
  name: "local",
  lookup(url) {
    return Promise.resolve({
      url: url.canonicalUrl,
      platform: "tiktok",
      videoId: url.videoId,
      author: url.author,
      authorUrl: url.author ? `https://www.tiktok.com/${url.author}` : null,
      title: null,
      thumbnailUrl: null,
      source: "local",
    });
  },
};

interface CachedMetadata {
  metadata: VideoMetadata;
  expiresAt: number;
}

const hourMs = 60 * 60 * 1000;

/** A TTL uniformly random in [1 h, 6 h]. */
export function cacheTtlMs(): number {
  return Math.round(hourMs + randomFraction() * 5 * hourMs);
}

export async function lookupMetadata(
  kv: KvStore,
  provider: MetadataProvider,
  input: string,
): Promise<{ metadata: VideoMetadata; cached: boolean; expiresAt: string }> {
  const url = parseTikTokUrl(input);
  const key = engineKeys.meta(url.canonicalUrl);
  const hit = (await kv.get<CachedMetadata>(key)).value;
  // KV expiry is lazy: check the stored deadline ourselves.
  if (hit && hit.expiresAt > Date.now()) {
    return { metadata: hit.metadata, cached: true, expiresAt: new Date(hit.expiresAt).toISOString() };
  }
  const metadata = await provider.lookup(url);
  const ttl = cacheTtlMs();
  const expiresAt = Date.now() + ttl;
  await kv.set(key, { metadata, expiresAt } satisfies CachedMetadata, { expireIn: ttl });
  return { metadata, cached: false, expiresAt: new Date(expiresAt).toISOString() };
}
