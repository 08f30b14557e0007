/**
 * The caller's details in free speech or typing: a phone number ("five five five oh one…"), a name
 * ("my name is Ada", or just "Ada" when asked), an address ("deliver to twelve market street" →
 * "12 Market Street"). Strict unless the assistant just asked (`expected`), so an order never
 * turns into a name by accident.
 */
import { readDigits } from "./words.ts";

const addressLeads = [
  "deliver it to",
  "deliver to",
  "delivery to",
  "delivered to",
  "send it to",
  "bring it to",
  "my address is",
  "the address is",
  "address is",
  "i live at",
  "it is",
];
const nameLeads = ["my name is", "name is", "call me", "this is", "it is for", "i am", "it is", "for"];
const notNames = new Set([
  "done",
  "ready",
  "hungry",
  "finished",
  "good",
  "fine",
  "okay",
  "ok",
  "sorry",
  "not",
  "here",
  "delivery",
  "pickup",
]);

/** Seven or more spoken digits: a phone number. */
export function phoneIn(tokens: string[]): string | undefined {
  for (let start = 0; start < tokens.length; start++) {
    const { digits } = readDigits(tokens, start);
    if (digits.length >= 7 && digits.length <= 15) return digits;
  }
  return undefined;
}

export function nameIn(tokens: string[], joined: string, expected: boolean): string | undefined {
  for (const lead of nameLeads) {
    const at = joined.indexOf(` ${lead} `);
    if (at < 0) continue;
    if (!expected && !["my name is", "name is", "call me", "this is"].includes(lead)) continue;
    const rest = joined.slice(at + lead.length + 2).trim().split(" ").filter(Boolean);
    const name = nameWords(rest);
    if (name) return name;
  }
  if (!expected) return undefined;
  return nameWords(tokens);
}

/** Words that end a name ("Grace and deliver to…", "Ada please"). */
const afterName = new Set([
  "and",
  "please",
  "thanks",
  "thank",
  "to",
  "for",
  "deliver",
  "delivery",
  "my",
  "i",
  "it",
  "with",
]);

function nameWords(words: string[]): string | undefined {
  const end = words.findIndex((word) => afterName.has(word));
  const picked = (end < 0 ? words : words.slice(0, end)).slice(0, 3);
  if (picked.length === 0 || picked.some((word) => !/^\p{L}[\p{L}'-]*$/u.test(word) || notNames.has(word))) {
    return undefined;
  }
  return picked.map((word) => word[0].toUpperCase() + word.slice(1)).join(" ");
}

/**
 * "deliver to twelve market street" → "12 Market Street". Needs a house number and a street word
 * unless the assistant just asked for the address.
 */
export function addressIn(tokens: string[], joined: string, expected: boolean): string | undefined {
  let start = -1;
  for (const lead of addressLeads) {
    const at = joined.indexOf(` ${lead} `);
    if (at >= 0 && (lead !== "it is" || expected)) {
      start = joined.slice(0, at).split(" ").filter(Boolean).length + lead.split(" ").length;
      break;
    }
  }
  if (start < 0 && !expected) return undefined;
  const words = tokens.slice(Math.max(0, start));
  const out: string[] = [];
  for (let at = 0; at < words.length;) {
    const { digits, used } = readDigits(words, at);
    if (used > 0) {
      out.push(digits);
      at += used;
    } else {
      if (!["please", "thanks"].includes(words[at])) {
        out.push(words[at][0].toUpperCase() + words[at].slice(1));
      }
      at++;
    }
  }
  const address = out.join(" ");
  if (!/\d/.test(address) || !/\p{L}{3,}/u.test(address)) return undefined;
  return address.slice(0, 300);
}
