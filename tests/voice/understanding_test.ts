/**
 * The offline assistant's understanding, without audio: words and numbers, dish mentions against a
 * menu (plural-insensitive, longest match, vague ones reported), and the action each kind of
 * sentence becomes — typed text is free-form, so these go beyond what the grammar lets be heard.
 */
import assert from "node:assert/strict";
import { demoVoiceMenu } from "../../lib/voice/demo_menu.ts";
import { MenuIndex } from "../../lib/voice/local/dishes.ts";
import { buildGrammar } from "../../lib/voice/local/grammar.ts";
import { parseUtterance } from "../../lib/voice/local/intent.ts";
import { ipaToPhones } from "../../lib/voice/local/lexicon.ts";
import { speakable } from "../../lib/voice/local/speech.ts";
import { readDigits, stem, tokenize } from "../../lib/voice/local/words.ts";
import { corpus } from "./corpus.ts";

const index = new MenuIndex(demoVoiceMenu);

Deno.test("text is normalised the way callers type and recognisers spell it", () => {
  assert.deepEqual(tokenize("I'd like 2x Garlic-Naans & a Crème Brûlée!"), [
    "i",
    "would",
    "like",
    "2",
    "garlic",
    "naans",
    "and",
    "a",
    "creme",
    "brulee",
  ]);
  assert.deepEqual(["naans", "samosas", "curries", "dishes", "glass"].map(stem), [
    "naan",
    "samosa",
    "curry",
    "dish",
    "glass",
  ]);
  assert.deepEqual(readDigits("five five five oh one two three".split(" "), 0), {
    digits: "5550123",
    used: 7,
  });
  assert.deepEqual(readDigits("one twenty three main".split(" "), 0), { digits: "123", used: 3 });
  assert.deepEqual(readDigits("double five forty two".split(" "), 0), { digits: "5542", used: 4 });
});

Deno.test("dish mentions take the longest name and report vague ones", () => {
  const mentions = (text: string) => index.mentions(tokenize(text)).map((mention) => mention.itemIds);
  assert.deepEqual(mentions("two chicken biryani and a butter chicken"), [["chicken-biryani"], [
    "butter-chicken",
  ]]);
  assert.deepEqual(mentions("a naan"), [["garlic-naan", "butter-naan"]]);
  assert.deepEqual(mentions("makhani"), [["dal-makhani"]]);
  assert.deepEqual(mentions("and the with of"), []);
});

Deno.test("every corpus sentence, typed, parses to exactly its expected actions", () => {
  for (const utterance of corpus) {
    assert.deepEqual(
      parseUtterance(utterance.text, index, { lastItemId: utterance.lastItemId }),
      utterance.expect,
      utterance.text,
    );
  }
});

Deno.test("free typing: quantities, intents and answers to the assistant's questions", () => {
  const parse = (text: string, awaiting?: "name" | "phone" | "address" | "fulfilment") =>
    parseUtterance(text, index, { awaiting, lastItemId: "garlic-naan" });
  assert.deepEqual(parse("Can I get 2 garlic naans & a mango lassi please?"), [
    { kind: "add", itemId: "garlic-naan", quantity: 2 },
    { kind: "add", itemId: "mango-lassi", quantity: 1 },
  ]);
  assert.deepEqual(parse("a couple of samosas and twenty two masala chai"), [
    { kind: "add", itemId: "vegetable-samosa", quantity: 2 },
    { kind: "add", itemId: "masala-chai", quantity: 22 },
  ]);
  assert.deepEqual(parse("remove the lassi and add three samosas"), [
    { kind: "remove", itemId: "mango-lassi" },
    { kind: "add", itemId: "vegetable-samosa", quantity: 3 },
  ]);
  assert.deepEqual(parse("take it off"), [{ kind: "remove", itemId: "garlic-naan" }]);
  assert.deepEqual(parse("is it spicy?"), [{ kind: "ask_dish", itemId: "garlic-naan", aspect: "spicy" }]);
  assert.deepEqual(parse("clear my cart"), [{ kind: "clear_cart" }]);
  assert.deepEqual(parse("one chicken"), [{
    kind: "which",
    itemIds: ["chicken-tikka-masala", "butter-chicken", "chicken-biryani"],
    quantity: 1,
    intent: "add",
  }]);
  // Bare answers count only when the assistant asked for them.
  assert.deepEqual(parse("ada lovelace", "name"), [{ kind: "name", name: "Ada Lovelace" }]);
  assert.deepEqual(parse("ada lovelace"), []);
  assert.deepEqual(parse("I am done"), [{ kind: "confirm" }]);
  assert.deepEqual(parse("one two three main street", "address"), [{
    kind: "address",
    address: "123 Main Street",
  }]);
  assert.deepEqual(parse("i'll collect it", "address"), [{ kind: "pickup" }]);
  assert.deepEqual(parse("no", "phone"), [{ kind: "deny" }]);
  assert.deepEqual(parse("call me Grace and deliver to 9 Elm Road"), [
    { kind: "name", name: "Grace" },
    { kind: "address", address: "9 Elm Road" },
  ]);
});

Deno.test("the grammar knows every dish and leaves unpronounceable words out instead of failing", () => {
  const grammar = buildGrammar(index);
  assert.equal(grammar.dishes.size, demoVoiceMenu.items.length);
  assert.match(grammar.jsgf, /^#JSGF V1\.0;\ngrammar kiln;\npublic <turn> = /);
  assert.ok(grammar.words.has("makhani") && grammar.words.has("naans"));
  const withoutMakhani = buildGrammar(index, { canSay: (word) => word !== "makhani" && word !== "makhanis" });
  assert.equal(withoutMakhani.dishes.has("dal-makhani"), false);
  assert.equal(withoutMakhani.words.has("makhani"), false);
  // Bare digits are an utterance only in the answers grammar.
  assert.match(buildGrammar(index).jsgf, /<phone> = \( my \[phone\] number is \| my phone is \) <digit>/);
  assert.match(buildGrammar(index, { answers: true }).jsgf, /<phone> = \[\( my \[phone\] number is/);
});

Deno.test("espeak-ng's IPA becomes CMU phones; replies become speakable text", () => {
  assert.equal(ipaToPhones("n_ˈɑː_n"), "N AA N");
  assert.equal(ipaToPhones("m_æ_k_h_ˈɑː_n_i"), "M AE K HH AA N IY");
  assert.equal(ipaToPhones("p_æ_n_ˈɪɹ"), "P AE N IH R");
  assert.equal(ipaToPhones("b_ˌɪ_ɹ_ɪ__ˈɑː_n_i"), "B IH R IH AA N IY");
  assert.equal(ipaToPhones("☃"), undefined);
  assert.equal(speakable("That's $21.11 in total."), "That's 21 dollars 11 cents in total.");
  assert.equal(speakable("It's ₹250."), "It's 250 rupees.");
});
