/**
 * Tenant themes, stored with an HMAC (SIGNING_KEY) over their canonical JSON. A record whose
 * signature does not verify (edited in the database, or signed with an old key) is never shown:
 * the reader gets the category's default theme and the event is logged. Verified themes are cached
 * in memory; a PUT through this store refreshes the cache.
 */
import type { KvStore } from "../store/types.ts";
import type { Logger } from "../log.ts";
import { secretsEqual } from "../http/auth.ts";
import type { Signer } from "../conversation/tokens.ts";
import { themeKeys } from "./keys.ts";
import { defaultThemes, type Theme, ThemeSchema } from "./schema.ts";

interface StoredTheme {
  theme: Theme;
  signature: string;
  updatedAt: number;
}

/** JSON with object keys sorted at every level, so the same theme always signs the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export type ThemeStore = ReturnType<typeof createThemeStore>;

export function createThemeStore(options: { kv: KvStore; signer: Signer; log: Logger; cacheMs?: number }) {
  const { kv, signer, log } = options;
  const cacheMs = options.cacheMs ?? 60_000;
  const cache = new Map<string, { theme: Theme | null; until: number }>();

  const sign = (tenant: string, theme: Theme) => signer.sign(`theme:${tenant}:${canonicalJson(theme)}`);

  async function put(tenant: string, theme: Theme): Promise<Theme> {
    const record: StoredTheme = { theme, signature: await sign(tenant, theme), updatedAt: Date.now() };
    await kv.set(themeKeys.theme(tenant), record);
    cache.set(tenant, { theme, until: Date.now() + cacheMs });
    return theme;
  }

  /** The tenant's verified theme, or null when none is stored (or the stored one is not genuine). */
  async function find(tenant: string): Promise<Theme | null> {
    const cached = cache.get(tenant);
    if (cached && cached.until > Date.now()) return cached.theme;
    const { value } = await kv.get<StoredTheme>(themeKeys.theme(tenant));
    let theme: Theme | null = null;
    if (value) {
      const parsed = ThemeSchema.safeParse(value.theme);
      const genuine = parsed.success && typeof value.signature === "string" &&
        await secretsEqual(value.signature, await sign(tenant, parsed.data));
      if (genuine) theme = parsed.data;
      else log.warn("theme_signature_invalid", { tenant });
    }
    cache.set(tenant, { theme, until: Date.now() + cacheMs });
    return theme;
  }

  /** What the page uses: the tenant's theme, else the category default. */
  async function resolve(tenant: string, category: "restaurant" | "financial"): Promise<Theme> {
    return (await find(tenant)) ?? defaultThemes[category];
  }

  return { put, find, resolve, forget: (tenant: string) => cache.delete(tenant) };
}
