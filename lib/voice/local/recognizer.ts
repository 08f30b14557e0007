/**
 * Offline speech recognition for the ordering dialogue: a small pool of pocketsphinx decoders
 * shared by every conversation, each utterance decoded against its tenant's menu grammar while the
 * caller is still talking. When the grammar finds nothing (a name or street it does not list), the
 * same audio is decoded once more in open dictation, so the parser still gets words to work with.
 */
import { KilnError } from "../../errors.ts";
import { sha256Hex } from "../../hmac.ts";
import type { Logger } from "../../log.ts";
import type { Menu } from "../../conversation/mod.ts";
import { MenuIndex } from "./dishes.ts";
import { buildGrammar } from "./grammar.ts";
import { pronounce } from "./lexicon.ts";
import { Decoder, type DecoderPaths, DICTATION_SEARCH, loadPocketsphinx } from "./pocketsphinx.ts";

export interface RecognizerOptions {
  paths: DecoderPaths;
  /** Decoders loaded at most (each holds the acoustic model, ~25 MB). */
  decoders: number;
  espeak: string;
  log: Logger;
}

/** A grammar with its search name (a digest, so equal grammars share one compiled search). */
async function named(grammar: { jsgf: string }): Promise<{ search: string; jsgf: string }> {
  return { search: `menu_${(await sha256Hex(grammar.jsgf)).slice(0, 16)}`, jsgf: grammar.jsgf };
}

/** A menu made ready for recognition: its grammars and the pronunciations they needed. */
export interface PreparedMenu {
  /** The dialogue grammar, and the one that also takes bare answers (a name, digits, an address). */
  grammars: Record<GrammarMode, { search: string; jsgf: string }>;
  index: MenuIndex;
  /** Words the dictionary lacked, with the phones espeak-ng gave them. */
  learned: Map<string, string>;
  /** Dishes the recogniser cannot hear (no pronounceable name); typed text still reaches them. */
  unheard: string[];
}

/** `answers` while the assistant waits for a name, a phone number or an address. */
export type GrammarMode = "dialogue" | "answers";

export interface Recognition {
  text: string;
  /** `grammar` when the menu grammar matched, `dictation` for the open-vocabulary fallback. */
  source: "grammar" | "dictation" | "none";
}

const installHint = "apt-get install -y pocketsphinx pocketsphinx-en-us";
const MAX_SEARCHES_PER_DECODER = 16;
/** Longest utterance kept for the dictation fallback (15 s at 16 kHz). */
const MAX_KEPT_SAMPLES = 16_000 * 15;

export class Recognizer {
  readonly #options: RecognizerOptions;
  readonly #idle: Decoder[] = [];
  readonly #waiting: ((decoder: Decoder) => void)[] = [];
  readonly #prepared = new Map<string, Promise<PreparedMenu>>();
  #loaded = 0;
  #loading?: Promise<Decoder>;

  constructor(options: RecognizerOptions) {
    this.#options = options;
  }

  /** Whether recognition can run here, with the fix when not. */
  availability(): { available: boolean; detail?: string } {
    const libs = loadPocketsphinx();
    if (libs instanceof Error) {
      return {
        available: false,
        detail: `libpocketsphinx is not loadable (${libs.message}); ${installHint}`,
      };
    }
    try {
      Deno.statSync(`${this.#options.paths.hmm}/mdef`);
      return { available: true };
    } catch {
      return { available: false, detail: `no acoustic model in VOICE_ASR_MODEL_DIR; ${installHint}` };
    }
  }

  /** The grammar of `menu`, built once per distinct menu (dictionary gaps filled by espeak-ng). */
  prepare(menu: Menu): Promise<PreparedMenu> {
    const key = JSON.stringify(menu.items.map((item) => [item.id, item.name, item.available]));
    let prepared = this.#prepared.get(key);
    if (!prepared) {
      prepared = this.#prepare(menu);
      prepared.catch(() => this.#prepared.delete(key));
      this.#prepared.set(key, prepared);
      if (this.#prepared.size > 64) this.#prepared.delete(this.#prepared.keys().next().value!);
    }
    return prepared;
  }

  /** Starts decoding one utterance; the decoder is the stream's until `finish` or `cancel`. */
  async begin(menu: PreparedMenu, mode: GrammarMode = "dialogue"): Promise<RecognitionStream> {
    const { search, jsgf } = menu.grammars[mode];
    const decoder = await this.#acquire();
    try {
      await decoder.run(async () => {
        if (!decoder.searches.includes(search)) {
          for (const [word, phones] of menu.learned) if (!decoder.knows(word)) decoder.addWord(word, phones);
          await decoder.addGrammar(search, jsgf);
          if (decoder.searches.length > MAX_SEARCHES_PER_DECODER) decoder.dropGrammar(decoder.searches[0]);
        }
        decoder.start(search);
      });
    } catch (error) {
      this.#release(decoder);
      throw error;
    }
    return new RecognitionStream(decoder, () => this.#release(decoder));
  }

  /** Frees idle decoders (shutdown). */
  close(): void {
    for (const decoder of this.#idle.splice(0)) decoder.free();
  }

  async #prepare(menu: Menu): Promise<PreparedMenu> {
    const index = new MenuIndex(menu);
    const draft = buildGrammar(index, { answers: true }); // the larger vocabulary of the two
    const decoder = await this.#acquire();
    let missing: string[];
    try {
      missing = [...draft.words].filter((word) => !decoder.knows(word));
    } finally {
      this.#release(decoder);
    }
    const spelled = await pronounce(missing, this.#options.espeak);
    const learned = new Map<string, string>();
    const unsayable = new Set<string>();
    for (const word of missing) {
      const phones = spelled.get(word);
      if (phones) learned.set(word, phones);
      else unsayable.add(word);
    }
    const canSay = (word: string) => !unsayable.has(word);
    const dialogue = buildGrammar(index, { canSay });
    const grammars = {
      dialogue: await named(dialogue),
      answers: await named(buildGrammar(index, { canSay, answers: true })),
    };
    const unheard = index.dishes.filter((dish) => !dialogue.dishes.has(dish.id)).map((dish) => dish.name);
    if (unsayable.size > 0) {
      this.#options.log.warn("voice.words_unpronounceable", { words: [...unsayable].slice(0, 20), unheard });
    }
    return { grammars, index, learned, unheard };
  }

  async #acquire(): Promise<Decoder> {
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#loaded < this.#options.decoders && !this.#loading) {
      this.#loading = Decoder.load(this.#options.paths);
      try {
        const decoder = await this.#loading;
        this.#loaded++;
        return decoder;
      } catch (error) {
        this.#options.log.error("voice.asr_load_failed", { error: String(error) });
        throw new KilnError(
          "unavailable",
          "asr_unavailable",
          `Speech recognition is unavailable; ${installHint}`,
        );
      } finally {
        this.#loading = undefined;
      }
    }
    return await new Promise<Decoder>((resolve) => this.#waiting.push(resolve));
  }

  #release(decoder: Decoder): void {
    const waiter = this.#waiting.shift();
    if (waiter) waiter(decoder);
    else this.#idle.push(decoder);
  }
}

/** One utterance being decoded. Writes are queued in order; `finish` gives the final text. */
export class RecognitionStream {
  readonly #decoder: Decoder;
  readonly #release: () => void;
  readonly #kept: Int16Array[] = [];
  #keptSamples = 0;
  #done = false;

  constructor(decoder: Decoder, release: () => void) {
    this.#decoder = decoder;
    this.#release = release;
  }

  write(samples: Int16Array): void {
    if (this.#done) return;
    if (this.#keptSamples + samples.length <= MAX_KEPT_SAMPLES) {
      this.#kept.push(samples);
      this.#keptSamples += samples.length;
    }
    this.#decoder.run(() => this.#decoder.process(samples)).catch(() => {});
  }

  /** The words recognised so far (for interim transcripts). */
  partial(): Promise<string> {
    if (this.#done) return Promise.resolve("");
    // Runs before any later `finish` (the decoder's steps are in call order).
    return this.#decoder.run(() => this.#decoder.hypothesis());
  }

  /** Ends the utterance: the grammar's result, else open dictation over the same audio. */
  async finish(options: { dictation: boolean }): Promise<Recognition> {
    if (this.#done) return { text: "", source: "none" };
    this.#done = true;
    try {
      const text = await this.#decoder.run(async () => {
        await this.#decoder.end();
        return this.#decoder.hypothesis();
      });
      if (text) return { text, source: "grammar" };
      if (!options.dictation || this.#keptSamples < 8_000) return { text: "", source: "none" };
      const dictated = await this.#decoder.run(async () => {
        this.#decoder.start(DICTATION_SEARCH);
        for (const samples of this.#kept) await this.#decoder.process(samples);
        await this.#decoder.end();
        return this.#decoder.hypothesis();
      });
      return dictated ? { text: dictated, source: "dictation" } : { text: "", source: "none" };
    } finally {
      this.#release();
    }
  }

  /** Abandons the utterance (noise, barge-in of a discarded blip, socket closed). */
  async cancel(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    try {
      await this.#decoder.run(() => this.#decoder.end());
    } finally {
      this.#release();
    }
  }
}
