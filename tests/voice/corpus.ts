/**
 * A spoken test corpus made in the repo: ordering utterances against the demo curry house, each
 * with the actions it must produce, synthesised by several flite and espeak-ng voices at several
 * speeds. WAVs are cached by content hash in the temp directory, so runs after the first reuse
 * them. Used by the voice tests (a few) and `deno task bench voice` (all of them).
 */
import { toHex } from "../../lib/hmac.ts";
import { readWav } from "../../lib/media/wav.ts";
import { INPUT_SAMPLE_RATE, resample } from "../../lib/voice/audio/pcm.ts";
import type { Action } from "../../lib/voice/local/intent.ts";

export interface CorpusUtterance {
  text: string;
  /** What the parser must produce (dish and quantity are what "right" means). */
  expect: Action[];
  /** The dish the caller talked about last, for "make that two". */
  lastItemId?: string;
}

const add = (itemId: string, quantity = 1): Action => ({ kind: "add", itemId, quantity });

export const corpus: CorpusUtterance[] = [
  { text: "two garlic naan and one dal makhani", expect: [add("garlic-naan", 2), add("dal-makhani")] },
  { text: "can i get a mango lassi please", expect: [add("mango-lassi")] },
  { text: "i'd like three vegetable samosas", expect: [add("vegetable-samosa", 3)] },
  { text: "one chicken biryani", expect: [add("chicken-biryani")] },
  { text: "give me two butter chicken", expect: [add("butter-chicken", 2)] },
  {
    text: "i want one paneer tikka and two masala chai",
    expect: [add("paneer-tikka"), add("masala-chai", 2)],
  },
  { text: "add a gulab jamun", expect: [add("gulab-jamun")] },
  { text: "four butter naan please", expect: [add("butter-naan", 4)] },
  { text: "one lamb vindaloo and a chana masala", expect: [add("lamb-vindaloo"), add("chana-masala")] },
  { text: "can i have two chicken tikka masala", expect: [add("chicken-tikka-masala", 2)] },
  {
    text: "i would like two samosas and a mango lassi",
    expect: [add("vegetable-samosa", 2), add("mango-lassi")],
  },
  { text: "three garlic naan", expect: [add("garlic-naan", 3)] },
  { text: "one masala chai please", expect: [add("masala-chai")] },
  { text: "and two gulab jamun", expect: [add("gulab-jamun", 2)] },
  {
    text: "could i get a chicken biryani and two garlic naan",
    expect: [add("chicken-biryani"), add("garlic-naan", 2)],
  },
  { text: "five butter naan", expect: [add("butter-naan", 5)] },
  {
    text: "let me get one butter chicken and one dal makhani",
    expect: [add("butter-chicken"), add("dal-makhani")],
  },
  { text: "two mango lassis", expect: [add("mango-lassi", 2)] },
  { text: "six garlic naan and two paneer tikka", expect: [add("garlic-naan", 6), add("paneer-tikka", 2)] },
  { text: "i'll have the lamb vindaloo", expect: [add("lamb-vindaloo")] },
  { text: "remove the mango lassi", expect: [{ kind: "remove", itemId: "mango-lassi" }] },
  { text: "take off the butter naan", expect: [{ kind: "remove", itemId: "butter-naan" }] },
  { text: "i don't want the samosas", expect: [{ kind: "remove", itemId: "vegetable-samosa" }] },
  { text: "remove the chicken biryani", expect: [{ kind: "remove", itemId: "chicken-biryani" }] },
  {
    text: "change the garlic naan to three",
    expect: [{ kind: "set_quantity", itemId: "garlic-naan", quantity: 3 }],
  },
  {
    text: "make that two",
    expect: [{ kind: "set_quantity", itemId: "dal-makhani", quantity: 2 }],
    lastItemId: "dal-makhani",
  },
  {
    text: "is the paneer tikka vegetarian",
    expect: [{ kind: "ask_dish", itemId: "paneer-tikka", aspect: "vegetarian" }],
  },
  {
    text: "how spicy is the lamb vindaloo",
    expect: [{ kind: "ask_dish", itemId: "lamb-vindaloo", aspect: "spice" }],
  },
  {
    text: "how much is the chicken biryani",
    expect: [{ kind: "ask_dish", itemId: "chicken-biryani", aspect: "price" }],
  },
  {
    text: "tell me about the dal makhani",
    expect: [{ kind: "ask_dish", itemId: "dal-makhani", aspect: "describe" }],
  },
  {
    text: "is the butter chicken spicy",
    expect: [{ kind: "ask_dish", itemId: "butter-chicken", aspect: "spicy" }],
  },
  { text: "what vegan options do you have", expect: [{ kind: "ask_dietary", tag: "vegan" }] },
  { text: "do you have anything gluten free", expect: [{ kind: "ask_dietary", tag: "gluten free" }] },
  { text: "what do you recommend", expect: [{ kind: "recommend" }] },
  { text: "show me the menu", expect: [{ kind: "show_menu" }] },
  { text: "what's in my cart", expect: [{ kind: "show_cart" }] },
  { text: "my name is ada", expect: [{ kind: "name", name: "Ada" }] },
  { text: "my number is five five five zero one two three", expect: [{ kind: "phone", phone: "5550123" }] },
  { text: "deliver to twelve market street", expect: [{ kind: "address", address: "12 Market Street" }] },
  { text: "my address is forty two high street", expect: [{ kind: "address", address: "42 High Street" }] },
  { text: "i'll pick it up", expect: [{ kind: "pickup" }] },
  { text: "delivery please", expect: [{ kind: "delivery" }] },
  { text: "that's all", expect: [{ kind: "confirm" }] },
  { text: "yes please", expect: [{ kind: "confirm" }] },
  { text: "place my order", expect: [{ kind: "confirm" }] },
  { text: "no thanks", expect: [{ kind: "deny" }] },
];

export interface Voice {
  engine: "flite" | "espeak-ng";
  voice: string;
  /** espeak-ng words per minute (flite speaks at its voice's own pace). */
  speed?: number;
}

export const voices: Voice[] = [
  { engine: "flite", voice: "slt" },
  { engine: "flite", voice: "rms" },
  { engine: "flite", voice: "awb" },
  { engine: "flite", voice: "kal16" },
  { engine: "espeak-ng", voice: "en-us", speed: 150 },
  { engine: "espeak-ng", voice: "en-gb", speed: 135 },
  { engine: "espeak-ng", voice: "en-us+f3", speed: 170 },
];

export const voiceName = (voice: Voice) =>
  `${voice.engine}:${voice.voice}${voice.speed ? `@${voice.speed}` : ""}`;

/** 16 kHz mono PCM16 of `text` in `voice` (synthesised once, then read from the cache). */
export async function speak(text: string, voice: Voice): Promise<Int16Array> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(`${voiceName(voice)}|${text}`),
  );
  const dir = `${Deno.env.get("TMPDIR") ?? "/tmp"}/kiln-voice-corpus`;
  const file = `${dir}/${toHex(new Uint8Array(digest)).slice(0, 24)}.wav`;
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(file);
  } catch {
    await Deno.mkdir(dir, { recursive: true });
    const partial = `${file}.${crypto.randomUUID()}.part`;
    const args = voice.engine === "flite"
      ? ["-voice", voice.voice, "-t", text, "-o", partial]
      : ["-v", voice.voice, "-s", String(voice.speed ?? 160), "-w", partial, text];
    const result = await new Deno.Command(voice.engine, { args, stdout: "null", stderr: "piped" }).output();
    if (!result.success) {
      throw new Error(`${voice.engine} failed: ${new TextDecoder().decode(result.stderr)}`);
    }
    await Deno.rename(partial, file);
    bytes = await Deno.readFile(file);
  }
  const wav = readWav(bytes);
  return resample(wav.samples, wav.sampleRate, INPUT_SAMPLE_RATE);
}

/** `ms` of digital silence at 16 kHz. */
export function silence(ms: number): Int16Array {
  return new Int16Array(Math.round((INPUT_SAMPLE_RATE * ms) / 1000));
}

/** Deterministic pink-ish noise at roughly `levelDb` dBFS (a seeded generator: runs are repeatable). */
export function noise(ms: number, levelDb: number, seed = 1): Int16Array {
  const out = new Int16Array(Math.round((INPUT_SAMPLE_RATE * ms) / 1000));
  let state = seed >>> 0;
  let smooth = 0;
  const amplitude = 32768 * 10 ** (levelDb / 20) * 1.7;
  for (let index = 0; index < out.length; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    smooth = 0.7 * smooth + 0.3 * ((state / 2 ** 32) * 2 - 1);
    out[index] = Math.max(-32768, Math.min(32767, Math.round(smooth * amplitude)));
  }
  return out;
}
