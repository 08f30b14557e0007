/**
 * Finished results by normalised media URL, kept 48 h, with hit/miss counters for /health. Only
 * URL sources are cached (an upload has no identity worth sharing).
 */
import type { KvStore } from "../store/types.ts";
import { sha256Hex } from "../hmac.ts";
import { transcriptionKeys } from "./keys.ts";
import { normaliseMediaUrl } from "./url_policy.ts";
import type { TranscriptionResult } from "./webhook_payload.ts";

export const cacheTtlMs = 48 * 60 * 60 * 1000;

interface CacheEntry {
  url: string;
  result: TranscriptionResult;
  storedAt: number;
}

export function cacheKeyOf(rawUrl: string): Promise<string> {
  return sha256Hex(normaliseMediaUrl(rawUrl));
}

/** The cached result, or null; `count` records a hit or miss for the hit rate. */
export async function readCache(
  kv: KvStore,
  rawUrl: string,
  options: { count?: boolean; now?: number } = {},
): Promise<TranscriptionResult | null> {
  const entry = await kv.get<CacheEntry>(transcriptionKeys.cache(await cacheKeyOf(rawUrl)));
  // expireIn is lazy: an entry past its age is a miss even if KV still returns it.
  const fresh = entry.value && (options.now ?? Date.now()) - entry.value.storedAt < cacheTtlMs
    ? entry.value
    : null;
  if (options.count) {
    await kv.atomic()
      .sum(fresh ? transcriptionKeys.cacheHits() : transcriptionKeys.cacheMisses(), 1n)
      .commit();
  }
  return fresh?.result ?? null;
}

export async function writeCache(kv: KvStore, rawUrl: string, result: TranscriptionResult): Promise<void> {
  const entry: CacheEntry = { url: normaliseMediaUrl(rawUrl), result, storedAt: Date.now() };
  await kv.set(transcriptionKeys.cache(await cacheKeyOf(rawUrl)), entry, { expireIn: cacheTtlMs });
}

export async function cacheStats(kv: KvStore): Promise<{ hits: number; misses: number; hitRate: number }> {
  const [hits, misses] = await kv.getMany<Deno.KvU64[]>([
    transcriptionKeys.cacheHits(),
    transcriptionKeys.cacheMisses(),
  ]);
  const hitCount = Number(hits.value?.value ?? 0n);
  const missCount = Number(misses.value?.value ?? 0n);
  const total = hitCount + missCount;
  return {
    hits: hitCount,
    misses: missCount,
    hitRate: total === 0 ? 0 : Math.round((hitCount / total) * 1000) / 1000,
  };
}
