/**
 * The voice model's tools. Each is a pure step: (session, menu, args) → the result the model reads,
 * the next session (when it changes) and the display updates to show. `service.ts` persists and
 * emits; `toolCatalog()` is the JSON a voice model is configured from.
 */
import { z } from "zod";
import {
  addLine,
  type CartLine,
  cartTotals,
  displayLines,
  maxCartLines,
  maxCartTotalMinor,
  setQuantity,
} from "./cart.ts";
import { findMenuItem, type Menu } from "./menu.ts";
import type { RestaurantSession } from "./session.ts";

const itemRef = { itemId: z.string().max(64).optional(), name: z.string().max(120).optional() };

export const toolArgs = {
  show_dish_details: z.object(itemRef),
  add_to_cart_verbal: z.object({
    ...itemRef,
    quantity: z.number().int().min(1).max(20).default(1),
    notes: z.string().trim().max(200).optional(),
  }),
  update_cart_item: z.object({ ...itemRef, quantity: z.number().int().min(0).max(20) }),
  get_cart_items: z.object({}),
  show_cart_summary: z.object({}),
  capture_customer_info: z.object({
    name: z.string().trim().min(1).max(120),
    phone: z.string().trim().max(40).optional(),
  }),
  verify_delivery_address: z.object({
    address: z.string().trim().max(300).default(""),
    fulfilment: z.enum(["delivery", "pickup"]).default("delivery"),
  }),
  finalize_order: z.object({}),
  add_to_order: z.object({ ...itemRef, quantity: z.number().int().min(1).max(20).default(1) }),
  update_order_summary: z.object({}),
};

export type ToolName = keyof typeof toolArgs;

const descriptions: Record<ToolName, string> = {
  show_dish_details:
    "Show one dish (by itemId or name) on the customer's screen with price, dietary tags and spice.",
  add_to_cart_verbal:
    "Add a dish to the cart after the customer asks for it; returns the updated cart totals.",
  update_cart_item: "Change the quantity of a dish in the cart; quantity 0 removes it.",
  get_cart_items: "Read the cart (lines and totals) without changing the screen.",
  show_cart_summary: "Show the cart with line items and totals on the screen.",
  capture_customer_info: "Record the customer's name and phone for the order.",
  verify_delivery_address: "Check a delivery address (or choose pickup) and show the result.",
  finalize_order: "Place the order. Refuses an empty cart, missing customer or unverified delivery address.",
  add_to_order: "Deprecated: use add_to_cart_verbal.",
  update_order_summary: "Deprecated: use show_cart_summary.",
};

export function toolCatalog() {
  return (Object.keys(toolArgs) as ToolName[]).map((name) => ({
    name,
    description: descriptions[name],
    deprecated: name === "add_to_order" || name === "update_order_summary",
    parameters: z.toJSONSchema(toolArgs[name], { io: "input" }),
  }));
}

export interface ToolOutcome {
  result: Record<string, unknown>;
  session?: RestaurantSession;
  updates: { type: string; data: Record<string, unknown> }[];
}

type Args<N extends ToolName> = z.output<(typeof toolArgs)[N]>;

function cartView(session: RestaurantSession, menu: Menu) {
  const totals = cartTotals(session.cart, menu.currency, menu.taxRateBasisPoints);
  return { items: displayLines(session.cart), ...totals };
}

function notFound(menu: Menu, ref: { itemId?: string; name?: string }): ToolOutcome {
  const suggestions = menu.items.filter((item) => item.available).slice(0, 5).map((item) => item.name);
  return {
    result: {
      ok: false,
      error: "dish_not_found",
      message: `No dish matches ${ref.itemId ?? ref.name ?? "that"}.`,
      suggestions,
    },
    updates: [],
  };
}

/** A change that would take the cart past its limits is refused, and the cart stays as it was. */
function overLimit(session: RestaurantSession, cart: CartLine[], menu: Menu): ToolOutcome | undefined {
  if (cart.length > maxCartLines) {
    return {
      result: {
        ok: false,
        error: "cart_full",
        message: `The cart holds at most ${maxCartLines} different dishes.`,
        cart: cartView(session, menu),
      },
      updates: [],
    };
  }
  if (cartTotals(cart, menu.currency, menu.taxRateBasisPoints).totalMinor > maxCartTotalMinor) {
    return {
      result: {
        ok: false,
        error: "cart_total_too_large",
        message: "That would take the order past the largest total an order may have.",
        cart: cartView(session, menu),
      },
      updates: [],
    };
  }
  return undefined;
}

function isPlausibleAddress(address: string): boolean {
  return address.length >= 8 && /\d/.test(address) && /[A-Za-z]{3,}/.test(address);
}

export function runTool(
  name: ToolName,
  rawArgs: unknown,
  session: RestaurantSession,
  menu: Menu,
): ToolOutcome {
  if (session.order && name !== "get_cart_items" && name !== "finalize_order") {
    return {
      result: { ok: false, error: "order_already_placed", orderId: session.order.orderId },
      updates: [],
    };
  }
  switch (name) {
    case "show_dish_details": {
      const args = toolArgs[name].parse(rawArgs) as Args<typeof name>;
      const dish = findMenuItem(menu, args);
      if (!dish) return notFound(menu, args);
      const { id, available: _available, ...card } = dish;
      return {
        result: { ok: true, dish: { ...dish } },
        updates: [{ type: "dish_card", data: { itemId: id, ...card, currency: menu.currency } }],
      };
    }
    case "add_to_order":
    case "add_to_cart_verbal": {
      const args = toolArgs.add_to_cart_verbal.parse(rawArgs);
      const dish = findMenuItem(menu, args);
      if (!dish) return notFound(menu, args);
      const line = {
        itemId: dish.id,
        name: dish.name,
        quantity: args.quantity,
        unitPriceMinor: dish.priceMinor,
        notes: args.notes,
      };
      const next = { ...session, cart: addLine(session.cart, line) };
      const refused = overLimit(session, next.cart, menu);
      if (refused) return refused;
      const cart = cartView(next, menu);
      const [item] = displayLines([line]);
      return {
        result: { ok: true, added: { name: dish.name, quantity: args.quantity }, cart },
        session: next,
        updates: [{ type: "cart_item_added", data: { item, ...cart } }],
      };
    }
    case "update_cart_item": {
      const args = toolArgs[name].parse(rawArgs) as Args<typeof name>;
      const dish = findMenuItem(menu, args) ??
        menu.items.find((item) =>
          session.cart.some((line) => line.itemId === item.id && line.itemId === args.itemId)
        );
      if (!dish || !session.cart.some((line) => line.itemId === dish.id)) {
        return { result: { ok: false, error: "not_in_cart", cart: cartView(session, menu) }, updates: [] };
      }
      const next = { ...session, cart: setQuantity(session.cart, dish.id, args.quantity) };
      const refused = overLimit(session, next.cart, menu);
      if (refused) return refused;
      const cart = cartView(next, menu);
      return { result: { ok: true, cart }, session: next, updates: [{ type: "cart_updated", data: cart }] };
    }
    case "get_cart_items":
      return {
        result: { ok: true, cart: cartView(session, menu), orderId: session.order?.orderId },
        updates: [],
      };
    case "update_order_summary":
    case "show_cart_summary": {
      const cart = cartView(session, menu);
      return { result: { ok: true, cart }, updates: [{ type: "order_summary", data: cart }] };
    }
    case "capture_customer_info": {
      const args = toolArgs[name].parse(rawArgs) as Args<typeof name>;
      return { result: { ok: true, customer: args }, session: { ...session, customer: args }, updates: [] };
    }
    case "verify_delivery_address": {
      const args = toolArgs[name].parse(rawArgs) as Args<typeof name>;
      if (args.fulfilment === "pickup") {
        return {
          result: { ok: true, fulfilment: "pickup" },
          session: { ...session, address: { text: "", verified: true, fulfilment: "pickup" } },
          updates: [],
        };
      }
      const verified = isPlausibleAddress(args.address);
      const message = verified
        ? "Address confirmed for delivery."
        : "Please give a street number and street name.";
      return {
        result: { ok: verified, verified, message },
        session: { ...session, address: { text: args.address, verified, fulfilment: "delivery" } },
        updates: [{
          type: "address_verification",
          data: { address: args.address || "(none)", verified, message },
        }],
      };
    }
    case "finalize_order":
      return finalize(session, menu);
  }
}

function finalize(session: RestaurantSession, menu: Menu): ToolOutcome {
  if (session.order) {
    return { result: { ok: true, alreadyPlaced: true, order: session.order }, updates: [] };
  }
  const refuse = (error: string, message: string) => ({ result: { ok: false, error, message }, updates: [] });
  if (session.cart.length === 0) return refuse("cart_empty", "The cart is empty; add a dish first.");
  if (!session.customer) {
    return refuse("customer_missing", "Ask for the customer's name first (capture_customer_info).");
  }
  if (!session.address?.verified) {
    return refuse(
      "address_unverified",
      "Verify the delivery address or choose pickup (verify_delivery_address).",
    );
  }
  const cart = cartView(session, menu);
  const order = {
    orderId: session.orderIdSeed.toUpperCase(),
    placedAt: Date.now(),
    totalMinor: cart.totalMinor,
    currency: cart.currency,
    fulfilment: session.address.fulfilment,
    etaMinutes: session.address.fulfilment === "delivery" ? 40 : 20,
  };
  return {
    result: { ok: true, order, cart },
    session: { ...session, order },
    updates: [
      {
        type: "checkout_summary",
        data: {
          ...cart,
          customerName: session.customer.name,
          phone: session.customer.phone,
          address: session.address.text || undefined,
          fulfilment: session.address.fulfilment,
        },
      },
      {
        type: "payment_pending",
        data: { amountMinor: cart.totalMinor, currency: cart.currency, method: "Pay at the counter" },
      },
      {
        type: "order_confirmed",
        data: {
          orderId: order.orderId,
          totalMinor: order.totalMinor,
          currency: order.currency,
          etaMinutes: order.etaMinutes,
        },
      },
    ],
  };
}
