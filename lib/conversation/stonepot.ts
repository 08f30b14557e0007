/**
 * Stonepot's display protocol, served beside Kiln's own so its page client (`DisplayWebSocket.ts`)
 * and `DisplayApiClient.getSessionState` work unchanged: a WebSocket sends
 * `{type:"initial_state", state, timestamp}` once, then `{type:"update", update, timestamp}` per
 * update, and the state has Stonepot's `ConversationState` fields. Updates are shown as Stonepot's
 * producers sent them: money in major units, its field names (`dishName`, `itemTotal`, `cart`,
 * `content` …) and the unknown fields Kiln kept under `extra` back at the top level.
 */
import type { LiveEvent } from "../live/types.ts";
import { defaultCurrency, toMajor } from "./money.ts";
import type { SessionState } from "./sessions.ts";
import type { DisplayUpdate } from "./updates.ts";

type Fields = Record<string, unknown>;

const cartTypes = new Set([
  "order_summary",
  "order_update",
  "cart_item_added",
  "cart_updated",
  "checkout_summary",
]);

/** `priceMinor: 34900` → `price: 349` (INR); other fields as they are. */
function majorUnits(fields: Fields, currency: string): Fields {
  const out: Fields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key.endsWith("Minor") && typeof value === "number") out[key.slice(0, -5)] = toMajor(value, currency);
    else out[key] = value;
  }
  return out;
}

function line(item: Fields, currency: string): Fields {
  const { itemId, name, unitPriceMinor, lineTotalMinor, customizations, ...rest } = item;
  const price = typeof unitPriceMinor === "number" ? toMajor(unitPriceMinor, currency) : undefined;
  return {
    ...rest,
    id: itemId,
    dishName: name,
    name,
    price,
    itemPrice: price,
    itemTotal: typeof lineTotalMinor === "number" ? toMajor(lineTotalMinor, currency) : undefined,
    customizations: customizations ?? [],
  };
}

/** An update's `data` in Stonepot's words. */
function stonepotData(update: DisplayUpdate): Fields {
  const { extra, extraDropped: _dropped, ...data } = update.data as Fields;
  const currency = typeof data.currency === "string" ? data.currency : defaultCurrency;
  const out: Fields = { ...(extra as Fields | undefined), ...majorUnits(data, currency) };
  if (Array.isArray(data.items)) out.items = (data.items as Fields[]).map((item) => line(item, currency));
  if (data.item) out.item = line(data.item as Fields, currency);
  if (cartTypes.has(update.type)) {
    out.cart = { items: out.items, subtotal: out.subtotal, tax: out.tax, total: out.total };
  }
  switch (update.type) {
    case "dish_card":
      Object.assign(out, { dishId: data.itemId, image: data.imageUrl, type: data.foodType });
      break;
    case "menu_section":
      out.items = (data.items as Fields[]).map((item) => ({
        ...majorUnits(item, currency),
        type: item.foodType,
      }));
      break;
    case "checkout_summary":
      Object.assign(out, { orderType: data.fulfilment, deliveryAddress: data.address });
      break;
    case "order_confirmed":
      out.orderType = data.fulfilment;
      break;
    case "payment_pending":
      out.paymentMethod = data.method;
      break;
    case "advice_card":
      out.content = data.body;
      break;
    case "snippet":
      out.content = data.code;
      break;
  }
  return out;
}

export function stonepotUpdate(update: DisplayUpdate): Fields {
  return { type: update.type, data: stonepotData(update), timestamp: update.at, seq: update.seq };
}

/** Stonepot's `ConversationState` (plus Kiln's seq, category and currency). */
export function stonepotState(state: SessionState): Fields {
  const displayUpdates = state.updates.map(stonepotUpdate);
  const lastCart = displayUpdates.findLast((update) => cartTypes.has(update.type as string));
  return {
    sessionId: state.sessionId,
    tenantId: state.tenantId,
    category: state.category,
    currency: state.currency ?? defaultCurrency,
    seq: state.seq,
    currentOrder: lastCart ? (lastCart.data as Fields).cart : null,
    transcriptions: state.transcripts.map((entry) => ({
      text: entry.data.text,
      speaker: entry.data.speaker,
      isFinal: entry.data.isFinal,
      timestamp: entry.at,
    })),
    displayUpdates,
    startedAt: state.createdAt,
  };
}

/** The WebSocket message of a live event in Stonepot's protocol (other event kinds are not sent). */
export function stonepotFrame(event: LiveEvent): Fields | undefined {
  if (event.type === "state") {
    return { type: "initial_state", state: stonepotState(event.data as SessionState), timestamp: event.at };
  }
  if (event.type === "update") {
    return { type: "update", update: stonepotUpdate(event.data as DisplayUpdate), timestamp: event.at };
  }
  return undefined;
}
