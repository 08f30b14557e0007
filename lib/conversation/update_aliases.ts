/**
 * What producers in the wild send, mapped onto the canonical field names of `update_schemas.ts`.
 * Stonepot's DisplayApiClient and VertexAILiveService (the seed's voice backend) send line items
 * as `{dishName, quantity, price, itemPrice, itemTotal, customizations}`, carts nested as
 * `{cart: {...}, action}`, advice `content`, dish `image` / `dietaryTags` / `type` (veg), order
 * types, ETAs as text or minutes, and `null` for fields they do not know. Renaming happens here,
 * once, before validation; money stays in major units until `updates.ts` converts it. The alias
 * tables double as the API documentation (`update_docs.ts`).
 */
import type { UpdateType } from "./update_schemas.ts";

type Fields = Record<string, unknown>;
type Aliases = Record<string, string>;

export const isObject = (value: unknown): value is Fields =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * JSON `null` means "not known" for every producer we have seen: treat it as absent, at any depth.
 * A `__proto__` member (JSON.parse makes it an own field) is dropped so no copy changes a prototype.
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== null).map(withoutNulls);
  if (!isObject(value)) return value;
  const out: Fields = {};
  for (const key in value) {
    if (value[key] !== null && key !== "__proto__") out[key] = withoutNulls(value[key]);
  }
  return out;
}

/** Cart and order lines (`items[]`, `item`): alias → canonical name (money in major units). */
export const lineItemAliases: Aliases = {
  dishName: "name",
  itemName: "name",
  id: "itemId",
  dishId: "itemId",
  itemPrice: "unitPrice",
  price: "unitPrice",
  itemTotal: "lineTotal",
  total: "lineTotal",
  customization: "customizations",
};

/** Dishes (`dish_card`, `menu_section.items[]`). */
export const menuItemAliases: Aliases = {
  id: "itemId",
  dishId: "itemId",
  dishName: "name",
  dietaryTags: "dietary",
  type: "foodType",
};

/** Top-level aliases per type. Cart types also accept the cart nested as `cart` or `order`. */
export const fieldAliases: Partial<Record<UpdateType, Aliases>> = {
  dish_card: { ...menuItemAliases, image: "imageUrl" },
  checkout_summary: { orderType: "fulfilment", deliveryAddress: "address" },
  order_confirmed: { orderType: "fulfilment" },
  payment_pending: { paymentMethod: "method" },
  advice_card: { content: "body" },
  snippet: { content: "code" },
};

/** Each alias moves to its canonical name unless that is already set (then it is a duplicate, dropped). */
function renamed(fields: Fields, aliases: Aliases): Fields {
  const out = { ...fields };
  for (const [alias, canonical] of Object.entries(aliases)) {
    if (!(alias in out)) continue;
    if (out[canonical] === undefined || out[canonical] === "") out[canonical] = out[alias];
    delete out[alias];
  }
  return out;
}

const idText = (value: unknown) => typeof value === "number" ? String(value) : value;
const textList = (value: unknown) => typeof value === "string" ? [value] : value;

/** A cart / order line as Stonepot builds it, or a bare dish name. */
function lineItem(raw: unknown): unknown {
  if (typeof raw === "string") return { name: raw };
  if (!isObject(raw)) return raw;
  const item = renamed(raw, lineItemAliases);
  item.itemId = idText(item.itemId);
  item.customizations = textList(item.customizations);
  if (Array.isArray(item.customizations) && item.customizations.length === 0) delete item.customizations;
  return item;
}

function menuItem(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  const item = renamed(raw, menuItemAliases);
  item.itemId = idText(item.itemId);
  return item;
}

/** `{cart: {items, subtotal, …}, action}` / `{order: {...}}` → one flat level; explicit top-level fields win. */
function flatCart(data: Fields): Fields {
  const nestedKey = isObject(data.cart) ? "cart" : isObject(data.order) ? "order" : undefined;
  let flat = data;
  if (nestedKey) {
    const { [nestedKey]: nested, ...rest } = data;
    flat = { ...(nested as Fields), ...rest };
  }
  if (Array.isArray(flat.items)) flat.items = flat.items.map(lineItem);
  if ("item" in flat) flat.item = lineItem(flat.item);
  return flat;
}

/** Shape fixes beyond renaming, per type. */
const reshape: Partial<Record<UpdateType, (data: Fields) => Fields>> = {
  dish_card(dish) {
    dish.itemId = idText(dish.itemId);
    if (dish.imageUrl === "") delete dish.imageUrl;
    if (typeof dish.preparationTime === "number") dish.preparationTime = `${dish.preparationTime} min`;
    dish.choices = textList(dish.choices);
    dish.allergens = textList(dish.allergens);
    return dish;
  },
  menu_section(data) {
    if (Array.isArray(data.items)) data.items = data.items.map(menuItem);
    return data;
  },
  order_summary: flatCart,
  order_update: flatCart,
  cart_item_added: flatCart,
  cart_updated: flatCart,
  checkout_summary(data) {
    if (isObject(data.address)) data.address = data.address.formatted;
    return flatCart(data);
  },
  advice_card(data) {
    if (data.actionUrl === "") delete data.actionUrl;
    return data;
  },
};

/** `estimatedTime: 25` (minutes) → `etaMinutes`; "30-40 mins" stays text. */
function eta(data: Fields): Fields {
  if (typeof data.estimatedTime === "number") {
    data.etaMinutes ??= Math.round(data.estimatedTime);
    delete data.estimatedTime;
  }
  return data;
}

/** "Dine_In" → "dine-in", "PICKUP" → "pickup". */
function fulfilment(data: Fields): Fields {
  if (typeof data.fulfilment === "string") {
    data.fulfilment = data.fulfilment.trim().toLowerCase().replace(/[_ ]/g, "-").replace("dinein", "dine-in");
  }
  return data;
}

/**
 * The payload with canonical field names. `timestamp` is dropped everywhere: Kiln records when
 * it received each update (`at`).
 */
export function canonicalNames(type: UpdateType, payload: Fields): Fields {
  const { timestamp: _timestamp, ...rest } = payload;
  const data = renamed(rest, fieldAliases[type] ?? {});
  if (typeof data.currency === "string") data.currency = data.currency.trim().toUpperCase();
  return fulfilment(eta(reshape[type]?.(data) ?? data));
}
