/**
 * The 15 display update types (SPEC §2.1) as one canonical stored shape each. `updates.ts` maps
 * what producers really send onto these names first (Stonepot's `dishName`, `itemTotal`,
 * `content`, `{cart: {...}}` …, see `update_aliases.ts`) and converts money to minor units, so
 * these schemas only ever see canonical field names.
 */
import { z } from "zod";

const text = (max = 500) => z.string().trim().min(1).max(max);
const optionalText = (max = 500) => z.string().trim().max(max).optional();
const minor = z.number().int().min(0).max(100_000_000);
/** Filled from the session (init, tenant menu or theme) when the update names none. */
const currency = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code like USD").optional();

/** Links and images the page renders: only http(s), so `javascript:` can never become clickable. */
export const httpUrl = z.string().trim().max(2_000).refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}, "must be an http(s) URL");

export const lineItem = z.object({
  itemId: optionalText(100),
  name: text(200),
  quantity: z.number().int().min(1).max(999).default(1),
  unitPriceMinor: minor.optional(),
  lineTotalMinor: minor.optional(),
  customizations: z.array(text(200)).max(20).optional(),
  notes: optionalText(300),
}).transform((item) => ({
  ...item,
  lineTotalMinor: item.lineTotalMinor ??
    (item.unitPriceMinor === undefined ? undefined : item.unitPriceMinor * item.quantity),
}));

const totals = {
  items: z.array(lineItem).max(100).default([]),
  subtotalMinor: minor.optional(),
  deliveryFeeMinor: minor.optional(),
  taxMinor: minor.optional(),
  totalMinor: minor.optional(),
  currency,
};

/** "30-40 mins" stays text; a number of minutes becomes `etaMinutes` (see update_aliases.ts). */
const eta = {
  etaMinutes: z.number().int().min(0).max(1_440).optional(),
  estimatedTime: optionalText(100),
};

const dietary = z.array(z.string().trim().min(1).max(40)).max(12).default([]);
const fulfilment = z.enum(["delivery", "pickup", "dine-in"]);

const dishShape = {
  itemId: optionalText(100),
  name: text(200),
  description: optionalText(1_000),
  priceMinor: minor.optional(),
  currency,
  dietary,
  spiceLevel: z.number().int().min(0).max(5).optional(),
  category: optionalText(100),
  imageUrl: httpUrl.optional(),
  /** Stonepot's `type`: veg / non-veg. */
  foodType: optionalText(20),
  available: z.boolean().optional(),
  preparationTime: optionalText(60),
  choices: z.array(text(200)).max(20).optional(),
  rating: z.number().min(0).max(5).optional(),
  reviews: z.number().int().min(0).optional(),
  tag: optionalText(40),
  allergens: z.array(text(60)).max(20).optional(),
  /** Buttons the producer offers (e.g. "Add to Cart"); the display shows them as voice hints. */
  actions: z.array(z.object({ id: text(60), label: text(80), type: optionalText(20) })).max(6).optional(),
};

/** One object shape per type: the keys listed here are the "known" fields; others go to `extra`. */
export const updateShapes = {
  transcription: {
    text: text(4_000),
    speaker: z.enum(["user", "assistant"]),
    isFinal: z.boolean().default(true),
  },
  dish_card: dishShape,
  menu_section: {
    title: text(200),
    description: optionalText(1_000),
    items: z.array(z.object({
      itemId: optionalText(100),
      name: text(200),
      description: optionalText(500),
      priceMinor: minor.optional(),
      dietary,
      foodType: optionalText(20),
    })).max(60).default([]),
    currency,
  },
  order_summary: { ...totals, ...eta, note: optionalText() },
  order_update: {
    /** Stonepot's added / removed / modified. */
    action: optionalText(40),
    status: optionalText(100),
    item: lineItem.optional(),
    message: optionalText(),
    ...totals,
  },
  confirmation: {
    title: optionalText(200),
    message: optionalText(1_000),
    orderId: optionalText(100),
    paymentMethod: optionalText(60),
    ...eta,
  },
  cart_item_added: {
    item: lineItem,
    itemCount: z.number().int().min(0).max(10_000).optional(),
    ...totals,
  },
  cart_updated: { ...totals, action: optionalText(40), message: optionalText() },
  address_verification: {
    address: text(500),
    verified: z.boolean(),
    deliverable: z.boolean().optional(),
    message: optionalText(),
    suggestions: z.array(text(500)).max(5).default([]),
  },
  checkout_summary: {
    ...totals,
    ...eta,
    orderId: optionalText(100),
    customerName: optionalText(200),
    phone: optionalText(40),
    address: optionalText(500),
    fulfilment: fulfilment.default("pickup"),
    paymentMethod: optionalText(60),
  },
  payment_pending: {
    amountMinor: minor,
    currency,
    orderId: optionalText(100),
    method: optionalText(100),
    message: optionalText(),
  },
  order_confirmed: {
    orderId: text(100),
    totalMinor: minor.optional(),
    currency,
    ...eta,
    fulfilment: fulfilment.optional(),
    paymentMethod: optionalText(60),
    message: optionalText(),
  },
  advice_card: {
    title: text(200),
    body: text(4_000),
    points: z.array(text(500)).max(12).default([]),
    risk: z.enum(["low", "medium", "high"]).optional(),
    icon: optionalText(40),
    actionText: optionalText(100),
    actionUrl: httpUrl.optional(),
  },
  webpage: { url: httpUrl, title: optionalText(300), description: optionalText(1_000) },
  snippet: { title: optionalText(200), language: optionalText(40), code: text(8_000) },
};

export type UpdateType = keyof typeof updateShapes;
export const updateTypes = Object.keys(updateShapes) as UpdateType[];

/** A type is "one of its fields must be present" when none is required on its own. */
const oneOf: Partial<Record<UpdateType, string[]>> = {
  order_update: ["action", "status", "message", "item"],
  confirmation: ["title", "message", "orderId"],
};

export const updateSchemas = Object.fromEntries(updateTypes.map((type) => {
  const object: z.ZodType<Record<string, unknown>> = z.object(updateShapes[type]);
  const needed = oneOf[type];
  const schema = needed
    ? object.refine((data) => needed.some((key) => (data as Record<string, unknown>)[key] !== undefined), {
      message: `needs at least one of ${needed.join(", ")}`,
    })
    : object;
  return [type, schema];
})) as unknown as Record<UpdateType, z.ZodType<Record<string, unknown>>>;

/** Whether the type carries money (and so a currency). */
export function hasCurrency(type: UpdateType): boolean {
  return "currency" in updateShapes[type];
}
