/**
 * What the Live model is told: the restaurant's tools as function declarations (from the same
 * catalog `GET /api/restaurant/tools` serves) and a system instruction with the menu, the rules of
 * the ordering flow and, after a reconnect, what the cart already holds.
 */
import { formatMoney, type Menu, toolCatalog } from "../../conversation/mod.ts";
import type { SessionView } from "../agent.ts";

/** JSON Schema keywords the Live API's OpenAPI-subset `Schema` understands. */
const schemaKeys = new Set([
  "type",
  "description",
  "enum",
  "properties",
  "required",
  "items",
  "minimum",
  "maximum",
  "format",
]);

function toLiveSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toLiveSchema);
  if (typeof schema !== "object" || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!schemaKeys.has(key)) continue;
    if (key === "properties") {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, field]) => [name, toLiveSchema(field)]),
      );
    } else out[key] = key === "items" ? toLiveSchema(value) : value;
  }
  return out;
}

export function functionDeclarations() {
  return toolCatalog().filter((tool) => !tool.deprecated).map((tool) => ({
    name: tool.name,
    description: tool.description,
    parameters: toLiveSchema(tool.parameters),
  }));
}

export function systemInstruction(menu: Menu, session: SessionView, language: string): string {
  const dishes = menu.items.filter((item) => item.available).map((item) => {
    const facts = [formatMoney(item.priceMinor, menu.currency), ...item.dietary];
    if (item.spiceLevel !== undefined) facts.push(`spice ${item.spiceLevel}/5`);
    return `- ${item.name} (itemId ${item.id}; ${facts.join(", ")})${
      item.description ? `: ${item.description}` : ""
    }`;
  });
  const cart = session.cart.length > 0
    ? `\nThe cart already holds: ${session.cart.map((line) => `${line.quantity} × ${line.name}`).join(", ")}.`
    : "";
  const customer = session.customer ? `\nThe customer's name is ${session.customer.name}.` : "";
  return `You are the friendly voice ordering assistant of a restaurant. Speak ${language}; keep every reply to one or two short sentences.
Use the tools for every change: add_to_cart_verbal when the customer orders a dish (pass its itemId and quantity), update_cart_item to change a quantity (0 removes), show_dish_details when they ask about a dish, show_cart_summary when they ask what they have.
Before placing the order: capture_customer_info (name, phone if given), then verify_delivery_address (an address for delivery, or fulfilment pickup), read the order and total back, and call finalize_order only after the customer says yes.
Never invent dishes or prices; the menu is:
${dishes.join("\n")}${cart}${customer}`;
}
