/**
 * Spoken replies offline: flite (far more intelligible than espeak-ng for English, MEDIA.md) with
 * espeak-ng as the fallback, resampled to the socket's 24 kHz. Callers synthesise a reply sentence
 * by sentence (the first one plays while the next is made), and sentences repeat a lot ("Anything
 * else?"), so recent ones are kept in memory.
 */
import { MissingToolError, runTool } from "../../media/tools.ts";
import { readWav } from "../../media/wav.ts";
import { OUTPUT_SAMPLE_RATE, resample } from "../audio/pcm.ts";

export interface Synthesizer {
  name: string;
  synthesize(text: string, signal?: AbortSignal): Promise<Int16Array>;
}

export type TtsEngine = "flite" | "espeak-ng";

const CACHE_SIZE = 200;

export function createSynthesizer(engine: TtsEngine, voice: string | undefined): Synthesizer {
  const cache = new Map<string, Int16Array>();
  const name = `${engine}:${voice ?? defaultVoice(engine)}`;
  return {
    name,
    async synthesize(text, signal) {
      const spoken = speakable(text);
      const cached = cache.get(spoken);
      if (cached) return cached;
      // Through files: flite seeks in its output to patch the WAV header, which a pipe cannot do.
      const dir = await Deno.makeTempDir({ prefix: "kiln-say-" });
      try {
        await Deno.writeTextFile(`${dir}/text.txt`, spoken);
        const args = engine === "flite"
          ? ["-voice", voice ?? defaultVoice(engine), "-f", `${dir}/text.txt`, "-o", `${dir}/speech.wav`]
          : [
            "-v",
            voice ?? defaultVoice(engine),
            "-s",
            "165",
            "-f",
            `${dir}/text.txt`,
            "-w",
            `${dir}/speech.wav`,
          ];
        await runTool(engine, args, { signal });
        const wav = readWav(await Deno.readFile(`${dir}/speech.wav`));
        const samples = resample(wav.samples, wav.sampleRate, OUTPUT_SAMPLE_RATE);
        cache.set(spoken, samples);
        if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
        return samples;
      } finally {
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    },
  };
}

function defaultVoice(engine: TtsEngine): string {
  return engine === "flite" ? "slt" : "en-us";
}

/** The first engine that runs here (flite, else espeak-ng), or undefined. */
export async function detectTtsEngine(preferred?: TtsEngine): Promise<TtsEngine | undefined> {
  for (const engine of preferred ? [preferred] : ["flite", "espeak-ng"] as TtsEngine[]) {
    try {
      await runTool(engine, engine === "flite" ? ["-lv"] : ["--version"]);
      return engine;
    } catch (error) {
      if (!(error instanceof MissingToolError)) return engine; // present but unhappy with the flag
    }
  }
  return undefined;
}

const currencyWords: Record<string, [string, string]> = {
  "$": ["dollars", "cents"],
  "€": ["euros", "cents"],
  "£": ["pounds", "pence"],
  "₹": ["rupees", "paise"],
};

/** Text a synthesiser reads well: "$21.11" → "21 dollars 11 cents". */
export function speakable(text: string): string {
  return text
    .replace(
      /([$€£₹])\s?(\d[\d,]*)(?:\.(\d{2}))?/g,
      (_match, symbol: string, major: string, minor?: string) => {
        const [unit, cents] = currencyWords[symbol];
        const whole = major.replace(/,/g, "");
        return minor && minor !== "00" ? `${whole} ${unit} ${Number(minor)} ${cents}` : `${whole} ${unit}`;
      },
    )
    .replace(/\s+/g, " ")
    .trim();
}

/** A reply split into sentences, each synthesised on its own. */
export function sentences(text: string): string[] {
  return text.match(/[^.!?]+[.!?]*/g)?.map((part) => part.trim()).filter(Boolean) ?? [];
}
