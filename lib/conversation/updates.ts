/**
 * The 15 display update types (SPEC §2.1) and their one canonical stored shape. Producers send
 * either the envelope `{type, data}` or the legacy flat `{type, ...fields}`; money arrives either as
 * decimal major units (`price: 12.99`, what the seed's producers sent) or as integer minor units
 * (`priceMinor: 1299`) and is always stored in minor units so the page never does float math.
 */
import { z } from "zod";
import { KilnError } from "../errors.ts";

const text = (max = 500) => z.string().trim().min(1).max(max);
const optionalText = (max = 500) => z.string().trim().max(max).optional();
const minor = z.number().int().min(0).max(100_000_000);
const currency = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code like USD").default("USD");
/** Links the page renders as <a href>: only http(s), so `javascript:` can never become clickable. */
export const httpUrl = z.string().trim().max(2_000).refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}, "must be an http(s) URL");

const lineItem = z.object({
  itemId: optionalText(100),
  name: text(200),
  quantity: z.number().int().min(1).max(999).default(1),
  unitPriceMinor: minor,
  lineTotalMinor: minor.optional(),
  notes: optionalText(300),
}).transform((item) => ({
  ...item,
  lineTotalMinor: item.lineTotalMinor ?? item.unitPriceMinor * item.quantity,
}));

const totals = {
  items: z.array(lineItem).max(100).default([]),
  subtotalMinor: minor.optional(),
  taxMinor: minor.optional(),
  totalMinor: minor.optional(),
  currency,
};

const dietary = z.array(z.string().trim().min(1).max(40)).max(12).default([]);

export const updateSchemas = {
  transcription: z.object({
    text: text(4_000),
    speaker: z.enum(["user", "assistant"]),
    isFinal: z.boolean().default(true),
  }),
  dish_card: z.object({
    itemId: optionalText(100),
    name: text(200),
    description: optionalText(1_000),
    priceMinor: minor.optional(),
    currency,
    dietary,
    spiceLevel: z.number().int().min(0).max(5).optional(),
    category: optionalText(100),
    imageUrl: httpUrl.optional(),
  }),
  menu_section: z.object({
    title: text(200),
    items: z.array(z.object({
      itemId: optionalText(100),
      name: text(200),
      description: optionalText(500),
      priceMinor: minor.optional(),
      dietary,
    })).max(60).default([]),
    currency,
  }),
  order_summary: z.object({ ...totals, note: optionalText() }),
  order_update: z.object({ status: text(100), message: optionalText(), ...totals }),
  confirmation: z.object({ title: text(200), message: optionalText(1_000) }),
  cart_item_added: z.object({
    item: lineItem,
    itemCount: z.number().int().min(0).max(10_000).optional(),
    ...totals,
  }),
  cart_updated: z.object({ ...totals, message: optionalText() }),
  address_verification: z.object({
    address: text(500),
    verified: z.boolean(),
    message: optionalText(),
    suggestions: z.array(text(500)).max(5).default([]),
  }),
  checkout_summary: z.object({
    ...totals,
    customerName: optionalText(200),
    phone: optionalText(40),
    address: optionalText(500),
    fulfilment: z.enum(["delivery", "pickup"]).default("pickup"),
  }),
  payment_pending: z.object({
    amountMinor: minor,
    currency,
    method: optionalText(100),
    message: optionalText(),
  }),
  order_confirmed: z.object({
    orderId: text(100),
    totalMinor: minor.optional(),
    currency,
    etaMinutes: z.number().int().min(0).max(1_440).optional(),
    message: optionalText(),
  }),
  advice_card: z.object({
    title: text(200),
    body: text(4_000),
    points: z.array(text(500)).max(12).default([]),
    risk: z.enum(["low", "medium", "high"]).optional(),
  }),
  webpage: z.object({ url: httpUrl, title: text(300), description: optionalText(1_000) }),
  snippet: z.object({ title: optionalText(200), language: optionalText(40), code: text(8_000) }),
};

export type UpdateType = keyof typeof updateSchemas;
export const updateTypes = Object.keys(updateSchemas) as UpdateType[];

/** One update as stored, broadcast and rendered. `seq` orders it within its session. */
export interface DisplayUpdate {
  seq: number;
  type: UpdateType;
  // deno-lint-ignore no-explicit-any
  data: Record<string, any>;
  at: number;
}

/** Largest serialized update: keeps a 100-update batch (stored + staged event) under KV's 800 KiB. */
export const MAX_UPDATE_BYTES = 3_500;

const moneyNames = ["price", "unitPrice", "lineTotal", "subtotal", "tax", "total", "amount"];

/** `price: 12.99` → `priceMinor: 1299`, recursively; explicit `…Minor` fields win. */
function moneyToMinor(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(moneyToMinor);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (moneyNames.includes(key) && typeof field === "number") {
      if (!(`${key}Minor` in value)) out[`${key}Minor`] = Math.round(field * 100);
    } else out[key] = moneyToMinor(field);
  }
  return out;
}

/** Validates one producer update (envelope or flat) into the canonical `{type, data}`. */
export function parseUpdate(input: unknown, path = "update"): Pick<DisplayUpdate, "type" | "data"> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw invalid([{ path, message: "must be an object with a type", code: "invalid_type" }]);
  }
  const { type, data, displayData, timestamp: _timestamp, ...flat } = input as Record<string, unknown>;
  if (typeof type !== "string" || !Object.hasOwn(updateSchemas, type)) {
    throw invalid([{
      path: `${path}.type`,
      message: `unknown update type ${JSON.stringify(type)}; expected one of ${updateTypes.join(", ")}`,
      code: "unknown_type",
    }]);
  }
  const payload = typeof data === "object" && data !== null ? data : displayData ?? flat;
  const result = updateSchemas[type as UpdateType].safeParse(moneyToMinor(payload));
  if (!result.success) {
    throw invalid(result.error.issues.map((issue) => ({
      path: [path, "data", ...issue.path.map(String)].join("."),
      message: issue.message,
      code: issue.code,
    })));
  }
  const canonical = { type: type as UpdateType, data: result.data as Record<string, unknown> };
  if (new TextEncoder().encode(JSON.stringify(canonical)).length > MAX_UPDATE_BYTES) {
    throw new KilnError(
      "too_large",
      "update_too_large",
      `An update may be at most ${MAX_UPDATE_BYTES} bytes.`,
    );
  }
  return canonical;
}

function invalid(issues: { path: string; message: string; code: string }[]): KilnError {
  return new KilnError("invalid", "invalid_update", `Invalid ${issues[0].path}: ${issues[0].message}`, {
    details: { issues },
  });
}
