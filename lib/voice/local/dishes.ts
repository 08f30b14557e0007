/**
 * Which dishes a sentence mentions. A menu becomes an index of each available dish's words
 * (plural-insensitive); a mention is the longest run of words that belongs to some dish name, so
 * "two chicken biryani" is the biryani even when "butter chicken" exists, while a bare "chicken"
 * names several dishes and is reported as ambiguous for the dialogue to ask about.
 */
import type { Menu } from "../../conversation/mod.ts";
import { fillerWords, stem, tokenize } from "./words.ts";

export interface IndexedDish {
  id: string;
  name: string;
  /** Stemmed words of the name. */
  words: string[];
}

export interface DishMention {
  /** Token range [start, end) in the sentence. */
  start: number;
  end: number;
  /** One id when the words name one dish; several when they fit several (ask which). */
  itemIds: string[];
}

export class MenuIndex {
  readonly dishes: IndexedDish[];
  readonly #longest: number;

  constructor(menu: Menu) {
    this.dishes = menu.items.filter((item) => item.available).map((item) => ({
      id: item.id,
      name: item.name,
      words: tokenize(item.name).map(stem),
    }));
    this.#longest = Math.max(1, ...this.dishes.map((dish) => dish.words.length));
  }

  /** Dishes whose name holds `words` (stemmed) as a contiguous run. */
  containing(words: string[]): IndexedDish[] {
    return this.dishes.filter((dish) => indexOfRun(dish.words, words) >= 0);
  }

  /** Every dish mention in `tokens`, left to right, longest match first. */
  mentions(tokens: string[]): DishMention[] {
    const stems = tokens.map(stem);
    const found: DishMention[] = [];
    for (let start = 0; start < stems.length;) {
      const mention = this.#longestAt(stems, start);
      if (mention) {
        found.push(mention);
        start = mention.end;
      } else start++;
    }
    return found;
  }

  /**
   * Shorter names a caller uses for one dish: runs of its words that no other dish shares
   * ("makhani" for dal makhani, "margherita" for margherita pizza), for the recogniser's grammar.
   */
  aliases(dish: IndexedDish, surface: string[]): string[][] {
    const out: string[][] = [];
    for (let length = surface.length - 1; length >= 1; length--) {
      for (let start = 0; start + length <= surface.length; start++) {
        const run = dish.words.slice(start, start + length);
        if (!meaningful(run)) continue;
        if (this.containing(run).length === 1) out.push(surface.slice(start, start + length));
      }
    }
    return out;
  }

  #longestAt(stems: string[], start: number): DishMention | undefined {
    for (let length = Math.min(this.#longest, stems.length - start); length >= 1; length--) {
      const run = stems.slice(start, start + length);
      if (!meaningful(run)) continue;
      const matches = this.containing(run);
      if (matches.length === 0) continue;
      const exact = matches.filter((dish) => dish.words.length === run.length);
      const itemIds = (exact.length === 1 ? exact : matches).map((dish) => dish.id);
      return { start, end: start + length, itemIds };
    }
    return undefined;
  }
}

/** A run can name a dish only if it has a real word in it (not "and", not "the"). */
function meaningful(run: string[]): boolean {
  return run.some((word) => word.length >= 3 && !fillerWords.has(word));
}

function indexOfRun(haystack: string[], needle: string[]): number {
  outer: for (let start = 0; start + needle.length <= haystack.length; start++) {
    for (let offset = 0; offset < needle.length; offset++) {
      if (haystack[start + offset] !== needle[offset]) continue outer;
    }
    return start;
  }
  return -1;
}
