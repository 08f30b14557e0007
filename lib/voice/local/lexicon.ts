/**
 * Pronunciations for words pocketsphinx's dictionary lacks (naan, makhani, biryani, paneer… and
 * whatever a tenant's menu holds). A single missing word makes a whole grammar fail to load, so
 * every grammar word is looked up first and the missing ones are spelled by espeak-ng (`--ipa`,
 * phonemes separated) and mapped from IPA to the CMU phone set the acoustic model uses.
 */
import { runTool } from "../../media/tools.ts";

/** IPA (as espeak-ng writes it) → CMU phones. Multi-symbol entries first, matched longest-first. */
const ipaToCmu: [string, string][] = ([
  ["ɑːɹ", "AA R"],
  ["ɔːɹ", "AO R"],
  ["oːɹ", "AO R"],
  ["ɪɹ", "IH R"],
  ["ɛɹ", "EH R"],
  ["ʊɹ", "UH R"],
  ["aɪɚ", "AY ER"],
  ["aʊ", "AW"],
  ["aɪ", "AY"],
  ["eɪ", "EY"],
  ["oʊ", "OW"],
  ["ɔɪ", "OY"],
  ["tʃ", "CH"],
  ["dʒ", "JH"],
  ["əl", "AH L"],
  ["n̩", "AH N"],
  ["ɑː", "AA"],
  ["ɔː", "AO"],
  ["ɜː", "ER"],
  ["iː", "IY"],
  ["uː", "UW"],
  ["oː", "OW"],
  ["ɑ", "AA"],
  ["æ", "AE"],
  ["ʌ", "AH"],
  ["ə", "AH"],
  ["ɐ", "AH"],
  ["ɔ", "AO"],
  ["ɛ", "EH"],
  ["e", "EH"],
  ["ɜ", "ER"],
  ["ɚ", "ER"],
  ["ɪ", "IH"],
  ["ᵻ", "IH"],
  ["i", "IY"],
  ["ʊ", "UH"],
  ["u", "UW"],
  ["o", "OW"],
  ["a", "AA"],
  ["b", "B"],
  ["d", "D"],
  ["ð", "DH"],
  ["f", "F"],
  ["ɡ", "G"],
  ["g", "G"],
  ["h", "HH"],
  ["j", "Y"],
  ["k", "K"],
  ["l", "L"],
  ["m", "M"],
  ["n", "N"],
  ["ŋ", "NG"],
  ["p", "P"],
  ["ɹ", "R"],
  ["r", "R"],
  ["s", "S"],
  ["ʃ", "SH"],
  ["t", "T"],
  ["θ", "TH"],
  ["v", "V"],
  ["w", "W"],
  ["z", "Z"],
  ["ʒ", "ZH"],
  ["ɾ", "T"],
  ["ʔ", "T"],
  ["x", "K"],
  ["ç", "HH"],
] as [string, string][]).sort((a, b) => b[0].length - a[0].length);

/** CMU phones for espeak-ng's phoneme-separated IPA (`--ipa --sep=_`), or undefined if unmappable. */
export function ipaToPhones(ipa: string): string | undefined {
  const phones: string[] = [];
  for (const chunk of ipa.replace(/[ˈˌ]/g, "").split(/[_\s]+/).filter(Boolean)) {
    let rest = chunk;
    while (rest.length > 0) {
      const entry = ipaToCmu.find(([symbol]) => rest.startsWith(symbol));
      if (!entry) return undefined;
      phones.push(entry[1]);
      rest = rest.slice(entry[0].length);
    }
  }
  return phones.length > 0 ? phones.join(" ") : undefined;
}

const cache = new Map<string, string | null>();

/**
 * Pronunciations of `words` from espeak-ng (one process for the lot), memoised per process.
 * A word espeak-ng cannot spell, or every word when espeak-ng is missing, maps to undefined.
 */
export async function pronounce(
  words: string[],
  espeak = "espeak-ng",
): Promise<Map<string, string | undefined>> {
  const unknown = [...new Set(words)].filter((word) => !cache.has(word) && /^[a-z']+$/.test(word));
  if (unknown.length > 0) {
    let lines: string[] = [];
    try {
      const stdin = await Deno.makeTempFile({ prefix: "kiln-lexicon-" });
      try {
        // One sentence per word: espeak-ng then prints one line each (plain lines would be joined).
        await Deno.writeTextFile(stdin, unknown.map((word) => `${word}.\n`).join(""));
        const output = await runTool(espeak, ["-q", "--ipa", "--sep=_", "-v", "en-us", "-f", stdin]);
        lines = new TextDecoder().decode(output).split("\n").map((line) => line.trim()).filter(Boolean);
      } finally {
        await Deno.remove(stdin).catch(() => {});
      }
    } catch {
      lines = []; // espeak-ng missing or failing: those words stay unknown
    }
    const aligned = lines.length === unknown.length;
    unknown.forEach((word, index) =>
      cache.set(word, (aligned ? ipaToPhones(lines[index]) : undefined) ?? null)
    );
  }
  return new Map(words.map((word) => [word, cache.get(word) ?? undefined]));
}
