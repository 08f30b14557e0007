/** Tenant menus: prices in integer minor units, one currency and one tax rate per tenant. */
import type { KvStore } from "../store/types.ts";
import { z } from "zod";
import { KilnError } from "../errors.ts";
import { restaurantKeys } from "./keys.ts";

export const MenuItemSchema = z.object({
  id: z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "lowercase letters, digits, _ and -"),
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(240).optional(),
  priceMinor: z.number().int().min(0).max(10_000_000),
  category: z.string().trim().max(60).optional(),
  dietary: z.array(z.string().trim().min(1).max(30)).max(8).default([]),
  spiceLevel: z.number().int().min(0).max(5).optional(),
  available: z.boolean().default(true),
});

export const MenuSchema = z.object({
  currency: z.string().regex(/^[A-Z]{3}$/, "ISO 4217 code like USD").default("USD"),
  /** Tax rate in basis points (825 = 8.25 %). */
  taxRateBasisPoints: z.number().int().min(0).max(5_000).default(0),
  items: z.array(MenuItemSchema).max(150),
}).refine((menu) => new Set(menu.items.map((item) => item.id)).size === menu.items.length, {
  message: "item ids must be unique",
  path: ["items"],
});

export type Menu = z.infer<typeof MenuSchema>;
export type MenuItem = Menu["items"][number];

export async function putMenu(kv: KvStore, tenantId: string, menu: Menu): Promise<Menu> {
  if (new TextEncoder().encode(JSON.stringify(menu)).length > 60_000) {
    throw new KilnError("too_large", "menu_too_large", "The menu must serialise to at most 60 KB.");
  }
  await kv.set(restaurantKeys.menu(tenantId), menu);
  return menu;
}

export async function getMenu(kv: KvStore, tenantId: string): Promise<Menu> {
  const menu = await findMenu(kv, tenantId);
  if (!menu) throw new KilnError("not_found", "menu_not_found", "This tenant has no menu yet.");
  return menu;
}

export async function findMenu(kv: KvStore, tenantId: string): Promise<Menu | null> {
  return (await kv.get<Menu>(restaurantKeys.menu(tenantId))).value;
}

/** By id, else by name (exact, then partial), ignoring case; only available dishes. */
export function findMenuItem(menu: Menu, query: { itemId?: string; name?: string }): MenuItem | undefined {
  const items = menu.items.filter((item) => item.available);
  if (query.itemId) return items.find((item) => item.id === query.itemId);
  const name = query.name?.trim().toLowerCase();
  if (!name) return undefined;
  return items.find((item) => item.name.toLowerCase() === name) ??
    items.find((item) => item.name.toLowerCase().includes(name) || name.includes(item.name.toLowerCase()));
}
