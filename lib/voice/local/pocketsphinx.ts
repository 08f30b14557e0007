/**
 * pocketsphinx 5prealpha (Debian's libpocketsphinx3) in process, through Deno FFI: a decoder is
 * loaded once (~0.7 s) and then decodes an utterance while it is still being spoken, which a
 * `pocketsphinx_continuous` process per turn (model load every time) cannot do. The calls that do
 * real work (`ps_init`, `ps_process_raw`, `ps_end_utt`, grammar compilation) run on FFI's worker
 * threads (`nonblocking`), so decoding never stalls the event loop; one decoder is only ever used
 * by one call at a time (see `Decoder.run`).
 */

const library = {
  ps_args: { parameters: [], result: "pointer" },
  ps_init: { parameters: ["pointer"], result: "pointer", nonblocking: true },
  ps_free: { parameters: ["pointer"], result: "i32" },
  ps_start_utt: { parameters: ["pointer"], result: "i32" },
  ps_process_raw: {
    parameters: ["pointer", "buffer", "usize", "i32", "i32"],
    result: "i32",
    nonblocking: true,
  },
  ps_end_utt: { parameters: ["pointer"], result: "i32", nonblocking: true },
  ps_get_hyp: { parameters: ["pointer", "buffer"], result: "pointer" },
  ps_lookup_word: { parameters: ["pointer", "buffer"], result: "pointer" },
  ps_add_word: { parameters: ["pointer", "buffer", "buffer", "i32"], result: "i32" },
  ps_set_jsgf_string: { parameters: ["pointer", "buffer", "buffer"], result: "i32", nonblocking: true },
  ps_set_search: { parameters: ["pointer", "buffer"], result: "i32" },
  ps_unset_search: { parameters: ["pointer", "buffer"], result: "i32" },
} as const;

const sphinxbase = {
  cmd_ln_parse_file_r: { parameters: ["pointer", "pointer", "buffer", "i32"], result: "pointer" },
  cmd_ln_free_r: { parameters: ["pointer"], result: "i32" },
} as const;

type Libraries = {
  ps: Deno.DynamicLibrary<typeof library>["symbols"];
  base: Deno.DynamicLibrary<typeof sphinxbase>["symbols"];
};

let loaded: Libraries | Error | undefined;

/** The libraries, or the reason they cannot be used (not installed, FFI not allowed). */
export function loadPocketsphinx(): Libraries | Error {
  if (loaded) return loaded;
  try {
    const base = Deno.dlopen("libsphinxbase.so.3", sphinxbase).symbols;
    const ps = Deno.dlopen("libpocketsphinx.so.3", library).symbols;
    loaded = { ps, base };
  } catch (error) {
    loaded = error instanceof Error ? error : new Error(String(error));
  }
  return loaded;
}

const cString = (text: string) => new TextEncoder().encode(`${text}\0`);

export interface DecoderPaths {
  /** Acoustic model directory (`…/en-us/en-us`). */
  hmm: string;
  dict: string;
  /** Language model for open dictation (the fallback search). */
  lm: string;
}

/** The name of the open-dictation search pocketsphinx creates from `-lm`. */
export const DICTATION_SEARCH = "_default";

/** One loaded decoder. Not thread-safe: `run` serialises everything done with it. */
export class Decoder {
  readonly #libs: Libraries;
  readonly #pointer: Deno.PointerValue;
  #chain: Promise<unknown> = Promise.resolve();
  /** Grammars compiled into this decoder (search names), oldest first. */
  readonly searches: string[] = [];

  private constructor(libs: Libraries, pointer: Deno.PointerValue) {
    this.#libs = libs;
    this.#pointer = pointer;
  }

  static async load(paths: DecoderPaths): Promise<Decoder> {
    const libs = loadPocketsphinx();
    if (libs instanceof Error) throw libs;
    const argsFile = await Deno.makeTempFile({ prefix: "kiln-pocketsphinx-", suffix: ".args" });
    try {
      await Deno.writeTextFile(
        argsFile,
        [`-hmm ${paths.hmm}`, `-dict ${paths.dict}`, `-lm ${paths.lm}`, "-logfn /dev/null", ""].join("\n"),
      );
      const config = libs.base.cmd_ln_parse_file_r(null, libs.ps.ps_args(), cString(argsFile), 1);
      if (!config) throw new Error("pocketsphinx rejected its configuration");
      const pointer = await libs.ps.ps_init(config);
      libs.base.cmd_ln_free_r(config); // the decoder holds its own reference
      if (!pointer) throw new Error(`pocketsphinx could not load the model in ${paths.hmm}`);
      return new Decoder(libs, pointer);
    } finally {
      await Deno.remove(argsFile).catch(() => {});
    }
  }

  /** Runs `step` after every earlier step on this decoder has finished. */
  run<T>(step: () => T | Promise<T>): Promise<T> {
    const next = this.#chain.then(step, step);
    this.#chain = next.catch(() => {});
    return next;
  }

  knows(word: string): boolean {
    return this.#libs.ps.ps_lookup_word(this.#pointer, cString(word)) !== null;
  }

  addWord(word: string, phones: string): boolean {
    return this.#libs.ps.ps_add_word(this.#pointer, cString(word), cString(phones), 0) >= 0;
  }

  async addGrammar(name: string, jsgf: string): Promise<void> {
    const status = await this.#libs.ps.ps_set_jsgf_string(this.#pointer, cString(name), cString(jsgf));
    if (status < 0) throw new Error("pocketsphinx could not compile the grammar");
    this.searches.push(name);
  }

  dropGrammar(name: string): void {
    this.#libs.ps.ps_unset_search(this.#pointer, cString(name));
    this.searches.splice(this.searches.indexOf(name), 1);
  }

  start(search: string): void {
    if (this.#libs.ps.ps_set_search(this.#pointer, cString(search)) < 0) {
      throw new Error(`pocketsphinx has no search ${search}`);
    }
    if (this.#libs.ps.ps_start_utt(this.#pointer) < 0) throw new Error("pocketsphinx could not start");
  }

  async process(samples: Int16Array): Promise<void> {
    if (samples.length === 0) return;
    // A copy: the worker thread reads it after this function returns to the event loop.
    await this.#libs.ps.ps_process_raw(this.#pointer, samples.slice(), BigInt(samples.length), 0, 0);
  }

  /** The best hypothesis so far (or final, after `end`); "" when nothing matched. */
  hypothesis(): string {
    const text = this.#libs.ps.ps_get_hyp(this.#pointer, new Int32Array(1));
    return text ? new Deno.UnsafePointerView(text).getCString().trim() : "";
  }

  async end(): Promise<void> {
    await this.#libs.ps.ps_end_utt(this.#pointer);
  }

  free(): void {
    this.#libs.ps.ps_free(this.#pointer);
  }
}
