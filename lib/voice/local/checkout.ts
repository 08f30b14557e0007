/**
 * What the assistant asks before `finalize_order`, in order: a name, a phone number (the caller may
 * skip it), delivery or pickup, the delivery address — then the read-back ("That's 2 garlic naan…,
 * $21.11 in total, for pickup. Shall I place the order?"). Derived from the restaurant session each
 * time, so it never asks for something the caller already gave (even on another socket).
 */
import type { Menu } from "../../conversation/mod.ts";
import type { SessionView } from "../agent.ts";
import type { DialogueState } from "./dialogue_state.ts";
import { listing, portion, price } from "./replies.ts";

export interface CheckoutQuestion {
  question: string;
  /** What the answer will be (none when there is nothing to check out). */
  awaiting?: DialogueState["awaiting"];
}

export function checkoutQuestion(
  menu: Menu,
  state: DialogueState,
  session: SessionView,
): CheckoutQuestion | undefined {
  if (session.order) return undefined;
  if (session.cart.length === 0) return { question: "Your order is empty. What would you like?" };
  if (!session.customer) return { awaiting: "name", question: "Can I have a name for the order?" };
  if (!session.customer.phone && !state.phoneSkipped) {
    return { awaiting: "phone", question: "And a phone number? Say the digits, or say skip." };
  }
  if (!session.address?.verified) {
    return state.wantsDelivery
      ? { awaiting: "address", question: "What's the delivery address?" }
      : { awaiting: "fulfilment", question: "Is that for delivery or pickup?" };
  }
  const how = session.address.fulfilment === "pickup" ? "for pickup" : `delivered to ${session.address.text}`;
  const lines = session.cart.map((line) => portion(line.quantity, line.name));
  const total = price(menu, session.totals.totalMinor);
  return {
    awaiting: "confirm",
    question: `That's ${listing(lines)}, ${total} in total, ${how}. Shall I place the order?`,
  };
}
