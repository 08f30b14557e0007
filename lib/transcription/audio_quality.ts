/**
 * A coarse, honest audio-quality grade for the seed's `result.audioQuality`, measured from the
 * 16 kHz mono PCM WAV the recogniser hears: the level of speech against the noise floor (90th vs
 * 10th percentile of 20 ms frame RMS) and the share of clipped samples. Read in chunks, so a long
 * file never sits in memory whole.
 */
import { readWavFileHeader } from "../media/wav.ts";

export type AudioQuality = "high" | "medium" | "low" | "silent";

export interface AudioMeasurement {
  quality: AudioQuality;
  /** Speech level over noise floor, dB (null for silence). */
  snrDb: number | null;
  clippedRatio: number;
}

const frameSamples = 320; // 20 ms at 16 kHz
const chunkBytes = 1 << 20;
/** -60 dBFS: frames quieter than this at the 90th percentile mean there is no speech at all. */
const silenceRms = 32.8;

export async function measureAudioQuality(wavPath: string): Promise<AudioMeasurement> {
  const layout = await readWavFileHeader(wavPath);
  const frames: number[] = [];
  let clipped = 0;
  let samples = 0;
  let sumSquares = 0;
  let inFrame = 0;
  const file = await Deno.open(wavPath, { read: true });
  try {
    await file.seek(layout.dataOffset, Deno.SeekMode.Start);
    const buffer = new Uint8Array(chunkBytes);
    let pending: Uint8Array = new Uint8Array(0);
    for (let remaining = layout.dataBytes; remaining > 0;) {
      const read = await file.read(buffer.subarray(0, Math.min(chunkBytes, remaining)));
      if (read === null || read === 0) break;
      remaining -= read;
      const bytes = pending.length > 0 ? concat(pending, buffer.subarray(0, read)) : buffer.subarray(0, read);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const whole = bytes.byteLength - (bytes.byteLength % 2);
      for (let offset = 0; offset < whole; offset += 2) {
        const sample = view.getInt16(offset, true);
        samples++;
        if (sample >= 32_767 || sample <= -32_768) clipped++;
        sumSquares += sample * sample;
        if (++inFrame === frameSamples) {
          frames.push(Math.sqrt(sumSquares / frameSamples));
          sumSquares = 0;
          inFrame = 0;
        }
      }
      pending = bytes.slice(whole);
    }
  } finally {
    file.close();
  }
  return grade(frames, samples === 0 ? 0 : clipped / samples);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.byteLength + b.byteLength);
  joined.set(a, 0);
  joined.set(b, a.byteLength);
  return joined;
}

function grade(frameRms: number[], clippedRatio: number): AudioMeasurement {
  const ratio = Math.round(clippedRatio * 1e5) / 1e5;
  const sorted = [...frameRms].sort((a, b) => a - b);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
  if (sorted.length === 0 || at(0.9) < silenceRms) {
    return { quality: "silent", snrDb: null, clippedRatio: ratio };
  }
  const snrDb = Math.round(20 * Math.log10(at(0.9) / Math.max(at(0.1), 1)) * 10) / 10;
  const quality: AudioQuality = snrDb >= 25 && clippedRatio < 0.001
    ? "high"
    : snrDb >= 12 && clippedRatio < 0.01
    ? "medium"
    : "low";
  return { quality, snrDb, clippedRatio: ratio };
}
