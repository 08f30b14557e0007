/**
 * The recogniser's grammar (JSGF) for one menu: the phrases of the ordering dialogue with the
 * tenant's dishes in them. Constraining pocketsphinx to what a caller can sensibly say turns open
 * dictation's ~70–100 % word error rate on synthetic speech into near-exact recognition (MEDIA.md);
 * every phrase here has a meaning in `intent.ts`.
 */
import type { MenuIndex } from "./dishes.ts";
import { quantityWords, teenWords, tensWords, tokenize, unitWords } from "./words.ts";

export interface Grammar {
  jsgf: string;
  /** Every word the grammar uses (each must be in the recogniser's dictionary). */
  words: Set<string>;
  /** Ids of the dishes the grammar can hear. */
  dishes: Set<string>;
}

const firstNames =
  "ada alan alex alice amelia amy ana andrew anna arjun ava ben beth bob carlos charlie chen chloe chris clara daniel david diana emily emma eric ethan eva fatima grace hannah harry henry isaac isabella jack jacob james jane jason john jose julia kate kevin laura leo liam lily lucas lucy maria mark mary max maya mia michael mohammed nina noah olivia omar oscar paul peter priya rachel raj ravi robert rosa ryan sam sara sarah sofia sophie steve susan thomas tom victor william yusuf zoe"
    .split(" ");
const streetNames =
  "main market high church park oak pine maple elm cedar river lake hill station mill king queen school bridge green north south east west first second third fourth fifth sixth seventh eighth ninth tenth union spring sunset forest garden victoria college castle chapel water new old broad long grove meadow"
    .split(" ");
const streetTypes = "street road avenue lane drive way boulevard place court square close terrace".split(" ");

/** `a | b | c` over phrases. */
const alt = (phrases: string[]) => phrases.join(" | ");

/**
 * `canSay` leaves out words the recogniser cannot pronounce (a dish whose every name has one is
 * left out, and reported, rather than breaking the whole grammar). With `answers`, a bare name,
 * digit string or address is a whole utterance (the assistant just asked for one); without, they
 * need their lead-in ("my name is…"), so noise is not heard as a phone number.
 */
export function buildGrammar(
  index: MenuIndex,
  options: { canSay?: (word: string) => boolean; answers?: boolean } = {},
): Grammar {
  const canSay = options.canSay ?? (() => true);
  const answers = options.answers ?? false;
  const lead = (phrases: string[], answerPhrases: string[] = []) =>
    answers ? `[( ${alt([...phrases, ...answerPhrases])} )]` : `( ${alt(phrases)} )`;
  const sayable = (phrase: string[]) => phrase.length > 0 && phrase.every(canSay);
  const dishPhrases = new Set<string>();
  const dishes = new Set<string>();
  for (const dish of index.dishes) {
    const surface = tokenize(dish.name);
    if (surface.length === 0) continue;
    const phrases = [
      surface,
      [...surface.slice(0, -1), plural(surface.at(-1)!)],
      // One short word ("lamb", "dal", "chai") is too easily heard in any noise to stand for a dish.
      ...index.aliases(dish, surface).filter((alias) => alias.length > 1 || alias[0].length >= 5),
    ].filter(sayable);
    for (const phrase of phrases) dishPhrases.add(phrase.join(" "));
    if (phrases.length > 0) dishes.add(dish.id);
  }
  if (dishPhrases.size === 0) dishPhrases.add("menu"); // an empty alternative would not compile

  const rules: Record<string, string> = {
    turn:
      "[<lead>] ( <order> | <remove> | <change> | <ask> | <browse> | <name> | <phone> | <address> | <fulfil> | <answer> ) [<tail>]",
    lead: alt(["okay", "ok", "so", "um", "and", "also", "hi", "hello", "yes", "yeah", "no", "oh"]),
    tail: alt(["please", "thanks", "thank you", "for me"]),
    // A conjunction between dishes: without it "and a" is easily heard as "seven".
    order: "[<want>] <item> ( ( and | and also | plus | with ) <item> )* [please]",
    want: alt([
      "i would [also] like",
      "i'd [also] like",
      "i want",
      "i will [also] have",
      "i'll [also] have",
      "i'll take",
      "can i [also] (have | get)",
      "could i [also] (have | get)",
      "can we (have | get)",
      "we would like",
      "we'd like",
      "give me",
      "get me",
      "let me (get | have)",
      "[please] add",
      "i need",
      "another",
    ]),
    item: "[<qty> | a couple of] [more] <dish>",
    qty: alt(["a", "an", ...quantityWords]),
    dish: alt([...dishPhrases]),
    remove:
      "( remove | delete | cancel | drop | take off | take out | i don't want | i do not want | no more | get rid of ) [the | my | one | all the] [<dish> | it | that] [from ( my | the ) ( order | cart )] | take ( it | that ) off",
    change:
      "( make ( that | it ) <qty> [<dish>] ) | ( ( change | update ) [the | my] ( <dish> | it ) to <qty> ) | ( <qty> <dish> instead ) | ( ( clear | empty ) my ( cart | order ) ) | start over",
    ask:
      "( ( what is | what's | tell me about | describe | what is in | what's in | how much is | how much are | how spicy is | is | are ) [the | a] <dish> [<diet>] ) | ( ( is | are ) ( it | that ) <diet> ) | ( [do you have] [any | anything] <diet> [dishes | options | food] ) | ( what <diet> ( dishes | options | food ) do you have ) | ( what is <diet> ) | ( what do you recommend ) | ( what's good ) | ( any recommendations )",
    diet: alt(["vegetarian", "vegan", "spicy", "gluten free", "mild", "dairy free"]),
    browse: alt([
      "[can i see | show me | read me | what's on] the menu",
      "what's on the menu",
      "what do you have",
      "[show me | what's in | what is in] my ( cart | order )",
      "what did i order",
      "what have i ordered",
      "read back my order",
      "what's my total",
      "what is the total",
    ]),
    name: `${
      lead(["my name is", "my name's", "name is", "call me", "this is"], [
        "i am",
        "i'm",
        "it's",
        "it is",
        "for",
      ])
    } <fname> [<fname>]`,
    fname: alt(firstNames.filter(canSay)),
    phone: `${
      lead(["my [phone] number is", "my phone is"], ["it's", "it is"])
    } <digit> <digit> <digit> <digit> <digit> <digit> <digit>+`,
    digit: alt([...unitWords, "oh", "double"]),
    address: `${
      lead([
        "deliver [it] to",
        "delivery to",
        "send it to",
        "bring it to",
        "my address is",
        "the address is",
        "i live at",
      ], [
        "it's",
      ])
    } <housenumber> <streetname> <streettype>`,
    housenumber: `( ${alt([...unitWords, ...teenWords, ...tensWords, "hundred"])} )+`,
    streetname: alt(streetNames.filter(canSay)),
    streettype: alt(streetTypes),
    fulfil: alt([
      "[i'll | i will | we'll | we will] pick [it] up",
      "pickup",
      "for pickup",
      "collection",
      "[i'll | i will] collect [it]",
      "takeaway",
      "delivery [please]",
      "deliver it [please]",
      "for delivery",
    ]),
    answer: alt([
      "yes [please]",
      "yeah",
      "yep",
      "sure",
      "correct",
      "that's right",
      "confirm",
      "place [the | my] order",
      "go ahead",
      "that's all",
      "that is all",
      "that's it",
      "nothing else",
      "i'm done",
      "check out",
      "checkout",
      "no [thanks | thank you]",
      "nope",
      "not yet",
      "hello",
      "hi",
      "thank you",
      "thanks",
      "help",
    ]),
  };

  const words = new Set<string>();
  for (const body of Object.values(rules)) {
    for (const word of body.replace(/<[a-z]+>/g, " ").split(/[\s()[\]|+*]+/)) if (word) words.add(word);
  }
  const lines = ["#JSGF V1.0;", "grammar kiln;", `public <turn> = ${rules.turn};`];
  for (const [name, body] of Object.entries(rules)) if (name !== "turn") lines.push(`<${name}> = ${body};`);
  return { jsgf: lines.join("\n") + "\n", words, dishes };
}

function plural(word: string): string {
  if (/(s|x|ch|sh)$/.test(word)) return `${word}es`;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}
