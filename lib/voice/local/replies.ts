/** How the offline assistant words things: short sentences that read well and sound right. */
import { formatMoney, type Menu, type MenuItem } from "../../conversation/mod.ts";
import type { ToolOutcome } from "../agent.ts";
import type { DietaryTag } from "./intent.ts";

/** "a", "a and b", "a, b and c". */
export function listing(parts: string[]): string {
  if (parts.length <= 1) return parts[0] ?? "";
  return `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

/** "2 garlic naan", "1 dal makhani" (dish names lower-cased mid-sentence). */
export function portion(quantity: number, name: string): string {
  return `${quantity} ${name.toLowerCase()}`;
}

export function price(menu: Menu, minor: number): string {
  return formatMoney(minor, menu.currency);
}

/** Whether a dish fits a dietary question ("spicy" and "mild" read the spice level). */
export function fits(item: MenuItem, tag: DietaryTag): boolean {
  if (tag === "spicy") return (item.spiceLevel ?? 0) >= 3;
  if (tag === "mild") return (item.spiceLevel ?? 0) <= 1;
  return item.dietary.some((label) => label.toLowerCase().replace(/-/g, " ").includes(tag));
}

const spiceWords = ["not spicy at all", "very mild", "mild", "medium hot", "hot", "very hot"];

export function spice(item: MenuItem): string {
  return `The ${item.name.toLowerCase()} is ${spiceWords[item.spiceLevel ?? 0]}.`;
}

/** One spoken line about a dish for a dietary question. */
export function dietaryAnswer(item: MenuItem, tag: DietaryTag): string {
  if (tag === "spicy" || tag === "mild") return spice(item);
  const name = item.name.toLowerCase();
  return fits(item, tag) ? `Yes, the ${name} is ${tag}.` : `No, the ${name} is not ${tag}.`;
}

export const helpText =
  "You can say things like: two garlic naan and a mango lassi, what's vegetarian, remove the lassi, or that's all to check out.";

/** The first dish of each of the three biggest categories: a stable, menu-shaped suggestion. */
export function recommendations(menu: Menu): Menu["items"] {
  const byCategory = new Map<string, Menu["items"]>();
  for (const item of menu.items.filter((item) => item.available)) {
    const key = item.category ?? "";
    byCategory.set(key, [...(byCategory.get(key) ?? []), item]);
  }
  return [...byCategory.values()].sort((a, b) => b.length - a.length).slice(0, 3).map((items) => items[0]);
}

/** A tool's refusal as a sentence (the tools return a reason the caller can hear). */
export function refusal(result: ToolOutcome, dishName?: string): string {
  switch (result.error) {
    case "not_in_cart":
      return `There's no ${dishName?.toLowerCase() ?? "such dish"} in your order.`;
    case "order_already_placed":
      return "Your order is already placed.";
    case "cart_empty":
      return "Your order is empty. What would you like?";
    case "customer_missing":
      return "I still need a name for the order.";
    case "address_unverified":
      return "I still need to know: delivery or pickup?";
    default:
      return typeof result.message === "string" ? result.message : "Sorry, that didn't work.";
  }
}
