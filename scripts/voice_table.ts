/**
 * Measures how intelligible each installed offline voice is: every voice speaks the same 30
 * sentences, the local recogniser (pocketsphinx, open dictation) transcribes them, and the word error
 * rate against the text is the score — lower is easier to follow. Also reports how fast each voice
 * synthesises (wall seconds per second of speech), which bounds the render time.
 *
 *   ./deno run -A scripts/voice_table.ts            # prints the README's Markdown table
 *
 * Arabic has no offline recogniser here, so its only voice (espeak-ng `ar`) is listed unmeasured.
 */
import { createLocalAsr } from "../lib/providers/asr/local.ts";
import { speak } from "../lib/media/speech.ts";
import { runTool } from "../lib/media/tools.ts";
import { installedVoices, knownVoices, type Voice } from "../lib/media/voices.ts";

export const sentences = [
  "The report explains how solar panels turn sunlight into electricity.",
  "Our revenue grew by twelve percent in the last quarter.",
  "The new office opens in the city centre next spring.",
  "Please read the safety instructions before you start the machine.",
  "The committee approved the budget for the coming year.",
  "Customers can return any product within thirty days.",
  "Most of the growth came from small businesses in the north.",
  "The survey asked two thousand people about their daily habits.",
  "Batteries store the energy produced during the day for use at night.",
  "The team will present the results at the annual meeting.",
  "Prices for raw materials fell sharply during the summer.",
  "Each student receives a laptop and a set of books.",
  "The bridge was closed for repairs after the storm.",
  "Doctors recommend thirty minutes of exercise every day.",
  "The company plans to hire fifty new engineers this year.",
  "Water use in the factory dropped by one third.",
  "The museum shows paintings from the last three centuries.",
  "Our main goal is to reduce the cost of each delivery.",
  "The train leaves the station every fifteen minutes.",
  "Farmers planted more wheat because the weather was warm.",
  "The software update fixes several problems with the camera.",
  "Volunteers cleaned the beach and collected many bags of plastic.",
  "The bank raised its interest rate for the second time.",
  "Children learn faster when they play and ask questions.",
  "The hospital added a new wing for heart patients.",
  "We expect sales to recover in the second half of the year.",
  "The map shows where the new roads will be built.",
  "Air quality improved after the old power plant closed.",
  "The contract must be signed by both parties before May.",
  "Thank you for listening to this short summary.",
];

export interface VoiceScore {
  voice: Voice;
  wordErrorRate: number;
  realTimeFactor: number;
}

export async function measureVoice(voice: Voice, workDir: string): Promise<VoiceScore> {
  const binaries = { flite: "flite", espeak: "espeak-ng", text2wave: "text2wave" };
  const parts: string[] = [];
  let speechSeconds = 0;
  const started = performance.now();
  for (const [index, text] of sentences.entries()) {
    const wavPath = `${workDir}/${voice.id}-${index}.wav`;
    speechSeconds += (await speak({ voice, binaries, text, wavPath })).seconds;
    parts.push(wavPath);
  }
  const synthSeconds = (performance.now() - started) / 1000;
  // One 16 kHz file with a pause after each sentence: one recogniser run (its model loads once).
  const inputs = parts.flatMap((path) => ["-i", path]);
  const filter =
    parts.map((_, index) =>
      `[${index}:a]aresample=16000,aformat=channel_layouts=mono,apad=pad_dur=0.6[a${index}]`
    ).join(";") + ";" + parts.map((_, index) => `[a${index}]`).join("") +
    `concat=n=${parts.length}:v=0:a=1[out]`;
  const joined = `${workDir}/${voice.id}.wav`;
  await runTool("ffmpeg", [
    "-v",
    "error",
    "-y",
    ...inputs,
    "-filter_complex",
    filter,
    "-map",
    "[out]",
    "-c:a",
    "pcm_s16le",
    joined,
  ], { timeoutMs: 120_000 });
  const heard = await createLocalAsr().transcribe({ path: joined, signal: AbortSignal.timeout(300_000) });
  return {
    voice,
    wordErrorRate: wordErrorRate(sentences.join(" "), heard.text),
    realTimeFactor: synthSeconds / speechSeconds,
  };
}

/** Word-level Levenshtein distance over the reference length (case and punctuation ignored). */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
  const ref = words(reference);
  const hyp = words(hypothesis);
  let previous = Array.from({ length: hyp.length + 1 }, (_, index) => index);
  for (let i = 1; i <= ref.length; i++) {
    const row = [i];
    for (let j = 1; j <= hyp.length; j++) {
      row[j] = Math.min(
        previous[j] + 1,
        row[j - 1] + 1,
        previous[j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return ref.length === 0 ? 0 : previous[hyp.length] / ref.length;
}

if (import.meta.main) {
  const workDir = await Deno.makeTempDir({ prefix: "kiln-voices-" });
  try {
    const voices = await installedVoices({ flite: "flite", espeak: "espeak-ng", text2wave: "text2wave" });
    const scores: VoiceScore[] = [];
    for (const voice of voices.filter((candidate) => candidate.language === "en")) {
      scores.push(await measureVoice(voice, workDir));
      console.error(`measured ${voice.id}`);
    }
    scores.sort((a, b) => a.wordErrorRate - b.wordErrorRate);
    const words = sentences.join(" ").split(/\s+/).length;
    const rank = (voice: Voice) => knownVoices.findIndex((known) => known.id === voice.id) + 1;
    console.log(
      `| Voice (id) | Engine | Language | Word error rate (${sentences.length} sentences, ${words} words) | ` +
        "Synthesis, s per s of speech | Kiln's order |",
    );
    console.log("| --- | --- | --- | --- | --- | --- |");
    for (const score of scores) {
      console.log(
        `| ${score.voice.label} (\`${score.voice.id}\`) | ${score.voice.engine} | en | ` +
          `${(score.wordErrorRate * 100).toFixed(1)} % | ${score.realTimeFactor.toFixed(3)} | ${
            rank(score.voice)
          } |`,
      );
    }
    for (const voice of voices.filter((candidate) => candidate.language !== "en")) {
      console.log(
        `| ${voice.label} (\`${voice.id}\`) | ${voice.engine} | ${voice.language} | ` +
          `not measured (no offline recogniser) | — | ${rank(voice)} |`,
      );
    }
  } finally {
    await Deno.remove(workDir, { recursive: true });
  }
}
