/**
 * 16-bit PCM helpers for the voice socket: frames in and out are mono signed 16-bit little-endian
 * samples (the format browsers, pocketsphinx and Gemini Live all speak). Kept dependency-free and
 * allocation-light because they run on every audio frame.
 */

/** Microphone audio the socket accepts. */
export const INPUT_SAMPLE_RATE = 16_000;
/** Assistant speech the socket sends (Gemini Live's native rate, which Stonepot's client plays). */
export const OUTPUT_SAMPLE_RATE = 24_000;

/** Samples of a little-endian PCM16 byte buffer (copied when the bytes are not 2-byte aligned). */
export function pcm16FromBytes(bytes: Uint8Array): Int16Array {
  const count = bytes.byteLength >> 1;
  if (bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, count);
  return new Int16Array(bytes.slice(0, count * 2).buffer);
}

/** The bytes of `samples` (a view, no copy). */
export function pcm16ToBytes(samples: Int16Array): Uint8Array {
  return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
}

/** Loudness of `samples` in dBFS (digital silence is -100). */
export function levelDbfs(samples: Int16Array): number {
  if (samples.length === 0) return -100;
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  const rms = Math.sqrt(sum / samples.length) / 32768;
  return rms > 0 ? Math.max(-100, 20 * Math.log10(rms)) : -100;
}

/**
 * Linear-interpolation resampling. Good for speech going up (16 → 24 kHz); going down it first
 * averages each output sample's window so high frequencies fold less.
 */
export function resample(samples: Int16Array, from: number, to: number): Int16Array {
  if (from === to || samples.length === 0) return samples;
  const ratio = from / to;
  const out = new Int16Array(Math.floor(samples.length / ratio));
  for (let index = 0; index < out.length; index++) {
    const position = index * ratio;
    if (ratio > 1) {
      const start = Math.floor(position);
      const end = Math.min(samples.length, Math.floor(position + ratio));
      let sum = 0;
      for (let at = start; at < end; at++) sum += samples[at];
      out[index] = Math.round(sum / Math.max(1, end - start));
    } else {
      const left = Math.floor(position);
      const right = Math.min(samples.length - 1, left + 1);
      const fraction = position - left;
      out[index] = Math.round(samples[left] * (1 - fraction) + samples[right] * fraction);
    }
  }
  return out;
}

/** The parts one after another. */
export function concatPcm(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Duration of `samples` at `sampleRate`, in milliseconds. */
export function durationMs(samples: number, sampleRate: number): number {
  return (samples / sampleRate) * 1000;
}
