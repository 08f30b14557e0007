/**
 * The offline recogniser (ASR_PROVIDER=local: ffmpeg → pocketsphinx_continuous) on real recorded
 * speech: the LibriVox clips in Debian's pocketsphinx-testdata, scored against the reference
 * transcripts shipped next to them. Reports the word error rate over all clips and the real-time
 * factor (processing seconds per second of audio, model load included — that is what a job pays).
 * Bounded: five clips, ~25 s of audio, well under 30 s of work.
 */
import { extractAudio } from "../../lib/transcription/audio.ts";
import { createLocalAsr } from "../../lib/providers/asr/local.ts";
import { type Row, row, tempDir, withDeadline } from "../support.ts";

const dataDir = "/usr/share/pocketsphinx/test/data/librivox";
const deadlineMs = 60_000;

/** Word-level Levenshtein distance (substitutions + deletions + insertions). */
export function wordErrors(reference: string[], hypothesis: string[]): number {
  let previous = Array.from({ length: hypothesis.length + 1 }, (_, index) => index);
  for (let i = 1; i <= reference.length; i++) {
    const current = [i];
    for (let j = 1; j <= hypothesis.length; j++) {
      const substitution = previous[j - 1] + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1);
      current[j] = Math.min(substitution, previous[j] + 1, current[j - 1] + 1);
    }
    previous = current;
  }
  return previous[hypothesis.length];
}

function words(text: string): string[] {
  return text.toLowerCase().replace(/<\/?s>|\([^)]*\)/g, " ").match(/[a-z']+/g) ?? [];
}

async function references(): Promise<Map<string, string[]>> {
  const lines = (await Deno.readTextFile(`${dataDir}/transcription`)).split("\n").filter(Boolean);
  return new Map(lines.map((line) => [/\(([^)]+)\)\s*$/.exec(line)?.[1] ?? "", words(line)]));
}

export async function run(): Promise<Row[]> {
  try {
    await Deno.stat(`${dataDir}/transcription`);
  } catch {
    throw new Error(`${dataDir} is missing; install it with: apt-get install -y pocketsphinx-testdata`);
  }
  const asr = createLocalAsr();
  await using work = await tempDir("kiln-bench-asr-");
  let errors = 0;
  let referenceWords = 0;
  let audioSeconds = 0;
  let processingSeconds = 0;
  const signal = new AbortController().signal;
  await withDeadline(
    (async () => {
      for (const [id, reference] of await references()) {
        const started = performance.now();
        const wav = `${work.path}/${id}.wav`;
        const { durationSeconds } = await extractAudio(`${dataDir}/${id}.wav`, wav, signal);
        const { text } = await asr.transcribe({ path: wav, signal });
        processingSeconds += (performance.now() - started) / 1000;
        audioSeconds += durationSeconds;
        errors += wordErrors(reference, words(text));
        referenceWords += reference.length;
      }
    })(),
    deadlineMs,
    "the LibriVox clips to be transcribed",
  );
  const wer = errors / Math.max(1, referenceWords);
  return [
    row("asr local word error rate (LibriVox, 5 clips)", Math.round(wer * 1000) / 10, "%", {
      target: { op: "<=", value: 40 },
    }),
    row(
      "asr local real-time factor (incl. model load)",
      Math.round((processingSeconds / audioSeconds) * 1000) / 1000,
      "×",
      {
        target: { op: "<=", value: 1 },
      },
    ),
    row("asr local audio transcribed", Math.round(audioSeconds * 10) / 10, "s"),
  ];
}
