/**
 * The offline voices Kiln can speak with: Debian's flite (CMU voices), festival (HTS and diphone
 * voices) and espeak-ng. Which ones exist is read from the machine once; which one a language
 * gets by default comes from the intelligibility ranking measured by scripts/voice_table.ts (word
 * error rate of the local recogniser on each voice, table in the README).
 */
import { runTool, toolOnPath } from "./tools.ts";

export type VoiceEngine = "flite" | "festival" | "espeak-ng";

export interface Voice {
  /** Stable id used by the API, e.g. "flite-slt". */
  id: string;
  engine: VoiceEngine;
  /** The engine's own name for the voice. */
  name: string;
  label: string;
  language: "en" | "ar";
}

export interface SpeechBinaries {
  flite: string;
  espeak: string;
  /** festival's text2wave script. */
  text2wave: string;
}

/**
 * Every voice Kiln knows how to drive, in the order a language's default is picked: lowest word
 * error rate first (scripts/voice_table.ts, README), and among voices within two points of each
 * other — a difference of a few words in 288, inside the measurement's noise — the faster one.
 */
export const knownVoices: readonly Voice[] = [
  {
    id: "flite-kal16",
    engine: "flite",
    name: "kal16",
    label: "Kal (US English, male, flite)",
    language: "en",
  },
  { id: "flite-rms", engine: "flite", name: "rms", label: "RMS (US English, male, flite)", language: "en" },
  {
    id: "festival-kal",
    engine: "festival",
    name: "kal_diphone",
    label: "Kal diphone (US English, male, festival)",
    language: "en",
  },
  {
    id: "festival-slt-hts",
    engine: "festival",
    name: "cmu_us_slt_arctic_hts",
    label: "SLT HTS (US English, female, festival)",
    language: "en",
  },
  {
    id: "flite-awb",
    engine: "flite",
    name: "awb",
    label: "AWB (Scottish English, male, flite)",
    language: "en",
  },
  { id: "flite-slt", engine: "flite", name: "slt", label: "SLT (US English, female, flite)", language: "en" },
  { id: "espeak-en-us", engine: "espeak-ng", name: "en-us", label: "US English (espeak-ng)", language: "en" },
  { id: "espeak-ar", engine: "espeak-ng", name: "ar", label: "Arabic (espeak-ng)", language: "ar" },
];

const festivalVoiceDirs = ["/usr/share/festival/voices"];

/** The known voices whose engine and voice data are installed on this machine. */
export async function installedVoices(binaries: SpeechBinaries): Promise<Voice[]> {
  const [fliteVoices, espeak, festivalVoices] = await Promise.all([
    runTool(binaries.flite, ["-lv"], { timeoutMs: 5_000 })
      .then(
        (out) => new TextDecoder().decode(out).replace(/^.*:/, "").trim().split(/\s+/),
        () => [] as string[],
      ),
    runTool(binaries.espeak, ["--version"], { timeoutMs: 5_000 }).then(() => true, () => false),
    toolOnPath(binaries.text2wave).then(async (present) => present ? await festivalVoiceNames() : []),
  ]);
  return knownVoices.filter((voice) =>
    voice.engine === "flite"
      ? fliteVoices.includes(voice.name)
      : voice.engine === "espeak-ng"
      ? espeak
      : festivalVoices.includes(voice.name)
  );
}

/** The most intelligible installed voice for `language` (the first in knownVoices' order). */
export function defaultVoice(voices: readonly Voice[], language: "en" | "ar"): Voice | undefined {
  return voices.find((voice) => voice.language === language);
}

async function festivalVoiceNames(): Promise<string[]> {
  const names: string[] = [];
  for (const root of festivalVoiceDirs) {
    try {
      for await (const group of Deno.readDir(root)) {
        if (!group.isDirectory) continue;
        for await (const voice of Deno.readDir(`${root}/${group.name}`)) names.push(voice.name);
      }
    } catch {
      // No festival voice data here.
    }
  }
  return names;
}
