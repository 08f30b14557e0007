/**
 * The offline assistant's side of the conversation: each utterance's actions become restaurant
 * tool calls (the same ones Gemini would make) and one short reply. It remembers what it asked, so
 * "Ada", "yes" or "skip" mean the right thing, and before `finalize_order` it asks for exactly what
 * is still missing — a name, a phone number (optional), delivery or pickup, the address — then
 * reads the order back and waits for a yes.
 */
import type { Menu } from "../../conversation/mod.ts";
import type { SessionView, ToolOutcome } from "../agent.ts";
import { checkoutQuestion } from "./checkout.ts";
import type { DialogueState } from "./dialogue_state.ts";
import type { MenuIndex } from "./dishes.ts";
import { type Action, parseUtterance } from "./intent.ts";
import {
  dietaryAnswer,
  fits,
  helpText,
  listing,
  portion,
  price,
  recommendations,
  refusal,
} from "./replies.ts";

export interface DialogueTools {
  run(name: string, args: Record<string, unknown>): Promise<ToolOutcome>;
  show(update: { type: string; data: Record<string, unknown> }): Promise<void>;
  session(): Promise<SessionView>;
}

export interface Reply {
  text: string;
  /** What to say when it differs from `text` (an order id read out letter by letter). */
  speech?: string;
  /** False when nothing in the utterance made sense (the reply asks again). */
  understood: boolean;
}

const notUnderstood =
  "Sorry, I didn't catch that. You can say things like: two garlic naan and a mango lassi.";

export async function respond(
  text: string,
  menu: Menu,
  index: MenuIndex,
  state: DialogueState,
  tools: DialogueTools,
): Promise<Reply> {
  const asked = state.awaiting;
  const parsed = parseUtterance(text, index, {
    awaiting: asked === "choice" || asked === "offer" ? undefined : asked,
    lastItemId: state.lastItemId,
  });
  const actions = resolvePending(parsed, state);
  state.awaiting = undefined;
  const turn = new Turn(menu, state, tools, asked);
  for (const action of actions) await turn.apply(action);
  return await turn.finish();
}

/** Applies a pending "which one?" or "shall I add one?" to the answer. */
function resolvePending(actions: Action[], state: DialogueState): Action[] {
  if (
    state.awaiting === "offer" && state.lastItemId && actions.length === 1 && actions[0].kind === "confirm"
  ) {
    return [{ kind: "add", itemId: state.lastItemId, quantity: 1 }];
  }
  const choice = state.awaiting === "choice" ? state.choice : undefined;
  state.choice = undefined;
  if (!choice) return actions;
  return actions.map((action): Action => {
    // "butter" after "garlic naan or butter naan?" is the butter naan, though butter chicken exists.
    const candidates = action.kind === "which"
      ? action.itemIds
      : action.kind === "add"
      ? [action.itemId]
      : [];
    const picked = candidates.filter((id) => choice.itemIds.includes(id));
    if (picked.length !== 1) return action;
    const itemId = picked[0];
    const said = action.kind === "add" || action.kind === "which" ? action.quantity : 1;
    if (choice.intent === "remove") return { kind: "remove", itemId };
    if (choice.intent === "set") return { kind: "set_quantity", itemId, quantity: choice.quantity };
    if (choice.intent === "ask") return { kind: "ask_dish", itemId, aspect: "describe" };
    return { kind: "add", itemId, quantity: said > 1 ? said : choice.quantity };
  });
}

class Turn {
  readonly #parts: string[] = [];
  readonly #added: string[] = [];
  #speech?: string;
  #understood = false;
  #prompted = false;

  constructor(
    readonly menu: Menu,
    readonly state: DialogueState,
    readonly tools: DialogueTools,
    readonly asked: DialogueState["awaiting"],
  ) {}

  #item(itemId: string) {
    return this.menu.items.find((item) => item.id === itemId)!;
  }

  #say(sentence: string) {
    if (this.#added.length > 0) {
      this.#parts.push(`Added ${listing(this.#added)}.`);
      this.#added.length = 0;
    }
    if (!this.#parts.includes(sentence)) this.#parts.push(sentence); // two refusals, one sentence
  }

  #ask(awaiting: DialogueState["awaiting"], question: string) {
    this.state.awaiting = awaiting;
    this.#prompted = true;
    this.#say(question);
  }

  async apply(action: Action): Promise<void> {
    this.#understood = true;
    const { state, tools } = this;
    switch (action.kind) {
      case "add": {
        const item = this.#item(action.itemId);
        const result = await tools.run("add_to_cart_verbal", { itemId: item.id, quantity: action.quantity });
        if (result.ok) this.#added.push(portion(action.quantity, item.name));
        else this.#say(refusal(result));
        state.lastItemId = item.id;
        return;
      }
      case "remove": {
        const item = this.#item(action.itemId);
        const result = await tools.run("update_cart_item", { itemId: item.id, quantity: 0 });
        this.#say(result.ok ? `Removed the ${item.name.toLowerCase()}.` : refusal(result, item.name));
        return;
      }
      case "set_quantity": {
        if (!action.itemId) return this.#ask(undefined, "Which dish should I change?");
        const item = this.#item(action.itemId);
        state.lastItemId = item.id;
        if (action.quantity === 0) return this.apply({ kind: "remove", itemId: item.id });
        const result = await tools.run("update_cart_item", { itemId: item.id, quantity: action.quantity });
        if (result.ok) return this.#say(`Now ${portion(action.quantity, item.name)}.`);
        if (result.error === "not_in_cart") {
          return this.apply({ kind: "add", itemId: item.id, quantity: action.quantity });
        }
        return this.#say(refusal(result));
      }
      case "clear_cart": {
        for (const line of (await tools.session()).cart) {
          await tools.run("update_cart_item", { itemId: line.itemId, quantity: 0 });
        }
        state.checkout = false;
        return this.#say("I've cleared your order. What would you like?");
      }
      case "which": {
        state.choice = { itemIds: action.itemIds, quantity: action.quantity, intent: action.intent };
        const names = action.itemIds.map((id) => this.#item(id).name.toLowerCase());
        return this.#ask("choice", `Which one: ${names.slice(0, -1).join(", ")} or ${names.at(-1)}?`);
      }
      case "ask_dish": {
        const item = this.#item(action.itemId);
        await tools.run("show_dish_details", { itemId: item.id });
        state.lastItemId = item.id;
        const answer = action.aspect === "describe"
          ? `${item.name}: ${item.description ?? ""} It's ${price(this.menu, item.priceMinor)}.`
          : action.aspect === "price"
          ? `The ${item.name.toLowerCase()} is ${price(this.menu, item.priceMinor)}.`
          : dietaryAnswer(item, action.aspect === "spice" ? "spicy" : action.aspect);
        return this.#ask("offer", `${answer} Shall I add one?`);
      }
      case "ask_dietary": {
        const matches = this.menu.items.filter((item) => item.available && fits(item, action.tag));
        if (matches.length === 0) return this.#say(`Sorry, nothing on our menu is ${action.tag}.`);
        await this.#showSection(`${action.tag[0].toUpperCase()}${action.tag.slice(1)} dishes`, matches);
        return this.#say(
          `Our ${action.tag} dishes are ${listing(matches.map((item) => item.name.toLowerCase()))}.`,
        );
      }
      case "recommend": {
        const picks = recommendations(this.menu);
        await this.#showSection("Our recommendations", picks);
        return this.#say(`I'd recommend the ${listing(picks.map((item) => item.name.toLowerCase()))}.`);
      }
      case "show_menu": {
        const available = this.menu.items.filter((item) => item.available);
        await this.#showSection("Menu", available);
        const categories = [
          ...new Set(available.map((item) => item.category?.toLowerCase()).filter(Boolean)),
        ];
        return this.#say(
          categories.length > 0
            ? `Here's our menu: ${listing(categories as string[])}. What would you like?`
            : "Here's our menu. What would you like?",
        );
      }
      case "show_cart": {
        const result = await tools.run("show_cart_summary", {});
        return this.#say(this.#cartSentence(result));
      }
      case "name": {
        const result = await tools.run("capture_customer_info", { name: action.name, phone: state.phone });
        state.checkout = true;
        return this.#say(result.ok ? `Thanks, ${action.name}.` : refusal(result));
      }
      case "phone": {
        state.phone = action.phone;
        state.checkout = true;
        const { customer } = await tools.session();
        if (customer) await tools.run("capture_customer_info", { name: customer.name, phone: action.phone });
        return this.#say("Got your number.");
      }
      case "address": {
        state.checkout = true;
        state.wantsDelivery = true;
        const result = await tools.run("verify_delivery_address", {
          address: action.address,
          fulfilment: "delivery",
        });
        if (result.verified) return this.#say(`Delivering to ${action.address}.`);
        return this.#ask(
          "address",
          "I couldn't use that address. Please say the house number and the street.",
        );
      }
      case "pickup": {
        state.checkout = true;
        state.wantsDelivery = false;
        const result = await tools.run("verify_delivery_address", { fulfilment: "pickup" });
        return this.#say(result.ok ? "Pickup it is." : refusal(result));
      }
      case "delivery":
        state.checkout = true;
        state.wantsDelivery = true;
        return this.#ask("address", "What's the delivery address?");
      case "confirm":
        if (this.asked === "confirm") return await this.#finalize();
        state.checkout = true;
        return;
      case "deny":
        if (this.asked === "phone") {
          state.phoneSkipped = true;
          return;
        }
        if (this.asked === "confirm") return this.#ask(undefined, "OK. What would you like to change?");
        return this.#say("OK.");
      case "greet":
        return this.#say("Hello! What would you like to order?");
      case "thanks":
        return this.#say("You're welcome!");
      case "help":
        return this.#say(helpText);
    }
  }

  async finish(): Promise<Reply> {
    if (!this.#understood) {
      if (this.asked) this.state.awaiting = this.asked; // still waiting for that answer
      return { text: notUnderstood, understood: false };
    }
    if (this.state.checkout && !this.#prompted) {
      const next = await this.#nextStep();
      if (next) this.#say(next);
    } else if (this.#added.length > 0) this.#say("Anything else?");
    if (this.#added.length > 0) this.#say("");
    const text = this.#parts.filter(Boolean).join(" ");
    return { text, speech: this.#speech, understood: true };
  }

  /** The next question of the checkout, or the read-back before placing the order. */
  async #nextStep(): Promise<string | undefined> {
    const next = checkoutQuestion(this.menu, this.state, await this.tools.session());
    if (!next) return undefined;
    if (next.awaiting) {
      this.state.awaiting = next.awaiting;
      this.#prompted = true;
    } else this.state.checkout = false; // nothing to check out
    return next.question;
  }

  async #finalize() {
    const result = await this.tools.run("finalize_order", {});
    const order = result.order as { orderId: string; totalMinor: number; etaMinutes: number } | undefined;
    if (!result.ok || !order) return this.#say(refusal(result));
    this.state.checkout = false;
    const total = price(this.menu, order.totalMinor);
    const sentence = (id: string) =>
      `Your order ${id} is placed. The total is ${total}, ready in about ${order.etaMinutes} minutes. Thank you!`;
    this.#say(sentence(order.orderId));
    this.#speech = sentence(order.orderId.split("").join(" "));
  }

  #cartSentence(result: ToolOutcome): string {
    const cart = result.cart as
      | { items: { name: string; quantity: number }[]; totalMinor: number }
      | undefined;
    if (!cart || cart.items.length === 0) return "Your order is empty. What would you like?";
    const lines = cart.items.map((line) => portion(line.quantity, line.name));
    return `You have ${listing(lines)}. The total is ${price(this.menu, cart.totalMinor)}.`;
  }

  async #showSection(title: string, items: Menu["items"]) {
    await this.tools.show({
      type: "menu_section",
      data: {
        title,
        currency: this.menu.currency,
        items: items.slice(0, 60).map((item) => ({
          itemId: item.id,
          name: item.name,
          description: item.description,
          priceMinor: item.priceMinor,
          dietary: item.dietary,
        })),
      },
    });
  }
}
