/**
 * Understands one utterance of the ordering dialogue — recognised speech or typed text — as a list
 * of actions: add two garlic naan, remove the lassi, make that three, is the paneer spicy, my name
 * is Ada, deliver to 12 Market Street, that's all. Rules, not a model: every phrase the local
 * recogniser's grammar can produce maps to an action here, and free typing degrades gracefully
 * (the dishes are found wherever they are in the sentence).
 */
import { addressIn, nameIn, phoneIn } from "./customer.ts";
import type { DishMention, MenuIndex } from "./dishes.ts";
import { numberValue, tokenize } from "./words.ts";

export type DietaryTag = "vegetarian" | "vegan" | "spicy" | "gluten free" | "mild" | "dairy free";
export type DishAspect = "describe" | "price" | "spice" | DietaryTag;

export type Action =
  | { kind: "add"; itemId: string; quantity: number }
  | { kind: "remove"; itemId: string }
  | { kind: "set_quantity"; itemId?: string; quantity: number }
  | { kind: "clear_cart" }
  | { kind: "which"; itemIds: string[]; quantity: number; intent: "add" | "remove" | "set" | "ask" }
  | { kind: "ask_dish"; itemId: string; aspect: DishAspect }
  | { kind: "ask_dietary"; tag: DietaryTag }
  | { kind: "recommend" }
  | { kind: "show_menu" }
  | { kind: "show_cart" }
  | { kind: "name"; name: string }
  | { kind: "phone"; phone: string }
  | { kind: "address"; address: string }
  | { kind: "pickup" }
  | { kind: "delivery" }
  | { kind: "confirm" }
  | { kind: "deny" }
  | { kind: "greet" }
  | { kind: "thanks" }
  | { kind: "help" };

/** What the assistant last asked, so a bare "Ada" or "yes" means the right thing. */
export type Awaiting = "name" | "phone" | "fulfilment" | "address" | "confirm";

export interface ParseContext {
  awaiting?: Awaiting;
  /** The dish the caller last ordered or asked about ("make that three"). */
  lastItemId?: string;
}

const dietaryPhrases: [string, DietaryTag][] = [
  ["gluten free", "gluten free"],
  ["dairy free", "dairy free"],
  ["vegetarian", "vegetarian"],
  ["veggie", "vegetarian"],
  ["vegan", "vegan"],
  ["spicy", "spicy"],
  ["hot", "spicy"],
  ["mild", "mild"],
];

type Intent = "add" | "remove" | "set" | "ask";

/** Phrases that switch what the following dish mentions mean. Longest first. */
const intentPhrases: [string, Intent][] = ([
  ["take off", "remove"],
  ["take it off", "remove"],
  ["take that off", "remove"],
  ["take out", "remove"],
  ["get rid of", "remove"],
  ["do not want", "remove"],
  ["no more", "remove"],
  ["remove", "remove"],
  ["delete", "remove"],
  ["cancel", "remove"],
  ["drop", "remove"],
  ["without", "remove"],
  ["make that", "set"],
  ["make it", "set"],
  ["change", "set"],
  ["update", "set"],
  ["tell me about", "ask"],
  ["what is in", "ask"],
  ["what comes with", "ask"],
  ["what is", "ask"],
  ["how much", "ask"],
  ["how spicy", "ask"],
  ["describe", "ask"],
  ["is the", "ask"],
  ["is a", "ask"],
  ["is it", "ask"],
  ["are the", "ask"],
  ["does the", "ask"],
  ["add", "add"],
  ["i would like", "add"],
  ["i will have", "add"],
  ["i want", "add"],
  ["can i get", "add"],
  ["can i have", "add"],
  ["give me", "add"],
  ["another", "add"],
] as [string, Intent][]).sort((a, b) => b[0].split(" ").length - a[0].split(" ").length);

const confirmPhrases = [
  "that is all",
  "that is it",
  "that will be all",
  "nothing else",
  "i am done",
  "we are done",
  "place the order",
  "place my order",
  "place order",
  "check out",
  "checkout",
  "confirm",
  "go ahead",
  "yes please",
  "yes",
  "yeah",
  "yep",
  "sure",
  "correct",
  "that is right",
  "sounds good",
  "please do",
];
const denyPhrases = ["no thank you", "no thanks", "not yet", "hold on", "nope", "no", "wait", "skip"];
const pickupPhrases = ["pick it up", "pick up", "pickup", "collect", "collection", "takeaway", "take away"];
const deliveryPhrases = ["delivery", "deliver it", "delivered"];
export function parseUtterance(text: string, index: MenuIndex, context: ParseContext = {}): Action[] {
  const tokens = tokenize(text);
  if (tokens.length === 0) return [];
  const joined = ` ${tokens.join(" ")} `;
  const has = (phrase: string) => joined.includes(` ${phrase} `);
  const mentions = index.mentions(tokens);

  // Answers to what the assistant just asked come first: a bare name, digits, an address.
  const answer = answerTo(context.awaiting, tokens, joined, mentions.length > 0);
  if (answer) return answer;

  const actions: Action[] = [];
  const phone = phoneIn(tokens);
  if (phone && (has("number") || has("phone") || context.awaiting === "phone")) {
    return [{ kind: "phone", phone }];
  }
  const name = nameIn(tokens, joined, false);
  if (name) actions.push({ kind: "name", name });
  const address = addressIn(tokens, joined, false);
  if (address) return [...actions, { kind: "address", address }];

  if (mentions.length > 0) actions.push(...dishActions(tokens, mentions, joined));
  else actions.push(...actionsWithoutDish(tokens, joined, context.lastItemId));

  if (pickupPhrases.some(has)) actions.push({ kind: "pickup" });
  else if (deliveryPhrases.some(has) && !address) actions.push({ kind: "delivery" });
  if (actions.length === 0 || actions.every((action) => action.kind === "name")) {
    if (confirmPhrases.some(has)) actions.push({ kind: "confirm" });
    else if (denyPhrases.some(has)) actions.push({ kind: "deny" });
    else if (/^ (hello|hi|hey|good (morning|afternoon|evening)) /.test(joined)) {
      actions.push({ kind: "greet" });
    } else if (has("thank you") || has("thanks")) actions.push({ kind: "thanks" });
    else if (has("help") || has("what can i say") || has("how does this work")) {
      actions.push({ kind: "help" });
    }
  }
  return actions;
}

/** Sentences that name no dish: "make that three", "remove it", "what's vegan", "show my cart". */
function actionsWithoutDish(tokens: string[], joined: string, lastItemId?: string): Action[] {
  const has = (phrase: string) => joined.includes(` ${phrase} `);
  const setTo = quantityAfter(tokens, ["make that", "make it", "change it to", "change that to"]);
  if (setTo !== undefined) return [{ kind: "set_quantity", itemId: lastItemId, quantity: setTo }];
  if (/ (clear|empty) (my |the )?(cart|order) | start over /.test(joined)) return [{ kind: "clear_cart" }];
  const aboutIt = has("it") || has("that") || has("this");
  if (lastItemId && aboutIt && lastIntent(tokens) === "remove") {
    return [{ kind: "remove", itemId: lastItemId }];
  }
  if (has("recommend") || has("recommendation") || has("popular") || has("what is good")) {
    return [{ kind: "recommend" }];
  }
  const tag = dietaryIn(joined);
  if (tag && lastItemId && (has("is it") || has("is that"))) {
    return [{ kind: "ask_dish", itemId: lastItemId, aspect: tag }];
  }
  if (tag && !has("cart")) return [{ kind: "ask_dietary", tag }];
  if (has("menu") || has("what do you have") || has("what have you got")) return [{ kind: "show_menu" }];
  if (has("place")) return []; // "place my order" is a confirmation, not a cart question
  const cartWords = [
    "cart",
    "my order",
    "the total",
    "my total",
    "what did i order",
    "what have i ordered",
    "read back",
  ];
  if (cartWords.some(has)) return [{ kind: "show_cart" }];
  return [];
}

/** Replies to a question the assistant asked; undefined when the words are about something else. */
function answerTo(
  awaiting: Awaiting | undefined,
  tokens: string[],
  joined: string,
  mentionsDish: boolean,
): Action[] | undefined {
  switch (awaiting) {
    case "name": {
      if (mentionsDish) return undefined;
      const name = nameIn(tokens, joined, true);
      return name ? [{ kind: "name", name }] : undefined;
    }
    case "phone": {
      if (denyPhrases.some((phrase) => joined.includes(` ${phrase} `))) return [{ kind: "deny" }];
      const phone = phoneIn(tokens);
      return phone ? [{ kind: "phone", phone }] : undefined;
    }
    case "fulfilment":
    case "address": {
      if (pickupPhrases.some((phrase) => joined.includes(` ${phrase} `))) return [{ kind: "pickup" }];
      const address = addressIn(tokens, joined, true);
      if (address) return [{ kind: "address", address }];
      if (awaiting === "fulfilment" && deliveryPhrases.some((phrase) => joined.includes(` ${phrase} `))) {
        return [{ kind: "delivery" }];
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Dish mentions with their intent (the nearest intent phrase before each) and quantity. */
function dishActions(tokens: string[], mentions: DishMention[], joined: string): Action[] {
  const actions: Action[] = [];
  let intent: Intent = "add";
  let cursor = 0;
  for (const mention of mentions) {
    const before = tokens.slice(cursor, mention.start);
    const found = lastIntent(before);
    if (found) intent = found;
    cursor = mention.end;
    const quantity = quantityBefore(tokens, mention.start) ?? 1;
    if (mention.itemIds.length > 1) {
      actions.push({ kind: "which", itemIds: mention.itemIds, quantity, intent });
      continue;
    }
    const itemId = mention.itemIds[0];
    switch (intent) {
      case "add":
        actions.push({ kind: "add", itemId, quantity });
        break;
      case "remove":
        actions.push({ kind: "remove", itemId });
        break;
      case "set": {
        const after = quantityAfter(tokens.slice(mention.end), ["to", "make it", "make that"]);
        actions.push({ kind: "set_quantity", itemId, quantity: after ?? quantity });
        break;
      }
      case "ask":
        actions.push({ kind: "ask_dish", itemId, aspect: aspectOf(joined) });
        break;
    }
  }
  return actions;
}

function lastIntent(words: string[]): Intent | undefined {
  const text = ` ${words.join(" ")} `;
  let best: { at: number; intent: Intent } | undefined;
  for (const [phrase, intent] of intentPhrases) {
    const at = text.lastIndexOf(` ${phrase} `);
    if (at >= 0 && (!best || at > best.at)) best = { at, intent };
  }
  return best?.intent;
}

/** "two garlic naan", "a dal", "a couple of samosas": the number just before a dish. */
function quantityBefore(tokens: string[], start: number): number | undefined {
  let at = start - 1;
  while (
    at >= 0 && ["of", "the", "more", "extra", "order", "orders", "portion", "portions"].includes(tokens[at])
  ) {
    if (tokens[at] === "of" && tokens[at - 1] === "couple") return 2;
    if (tokens[at] === "of" && tokens[at - 1] === "dozen") return 12;
    at--;
  }
  const word = tokens[at];
  if (word === undefined) return undefined;
  if (word === "a" || word === "an" || word === "another") return 1;
  if (word === "couple") return 2;
  if (word === "dozen") return 12;
  const value = numberValue(word);
  if (value === undefined || value < 1) return undefined;
  // "twenty two" → 22
  const previous = at > 0 ? numberValue(tokens[at - 1]) : undefined;
  if (value < 10 && previous !== undefined && previous >= 20 && previous % 10 === 0) return previous + value;
  return value;
}

/** The number after one of `leads` ("make that three", "change it to two"). */
function quantityAfter(tokens: string[], leads: string[]): number | undefined {
  const text = tokens.join(" ");
  for (const lead of leads) {
    const at = ` ${text} `.indexOf(` ${lead} `);
    if (at < 0) continue;
    const after = tokens.slice(lead.split(" ").length + text.slice(0, at).split(" ").filter(Boolean).length);
    const value = after[0] === undefined ? undefined : numberValue(after[0]);
    if (value !== undefined && value <= 99) return value;
    if (after[0] === "a" || after[0] === "an") return 1;
  }
  return undefined;
}

function aspectOf(joined: string): DishAspect {
  if (/ (how much|price|cost|costs) /.test(joined)) return "price";
  if (/ how spicy /.test(joined)) return "spice";
  return dietaryIn(joined) ?? "describe";
}

function dietaryIn(joined: string): DietaryTag | undefined {
  return dietaryPhrases.find(([phrase]) => joined.includes(` ${phrase} `))?.[1];
}
