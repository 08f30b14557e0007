/**
 * 16-bit PCM helpers for the voice socket: frames in and out are mono signed 16-bit little-endian
 * samples (the format browsers, pocketsphinx and Gemini Live all speak), WAV files only at the
 * edges (synthesised speech, the test corpus). Kept dependency-free and allocation-light because
 * they run on every audio frame.
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

export interface Wav {
  sampleRate: number;
  samples: Int16Array;
}

/**
 * Reads a mono PCM16 WAV. A data size of 0 or past the end (tools writing to a pipe cannot seek back
 * to fill it in) means "the rest of the file".
 */
export function readWav(bytes: Uint8Array): Wav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.byteLength < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") throw new Error("not a WAV file");
  let offset = 12;
  let sampleRate = 0;
  let channels = 0;
  let bits = 0;
  while (offset + 8 <= bytes.byteLength) {
    const id = tag(offset);
    let size = view.getUint32(offset + 4, true);
    if (id === "fmt ") {
      channels = view.getUint16(offset + 10, true);
      sampleRate = view.getUint32(offset + 12, true);
      bits = view.getUint16(offset + 22, true);
    } else if (id === "data") {
      if (channels !== 1 || bits !== 16) {
        throw new Error(`expected mono 16-bit PCM, got ${channels}ch ${bits}-bit`);
      }
      if (size === 0 || offset + 8 + size > bytes.byteLength) size = bytes.byteLength - offset - 8;
      const data = bytes.slice(offset + 8, offset + 8 + (size & ~1));
      return { sampleRate, samples: new Int16Array(data.buffer) };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error("WAV file has no data chunk");
}

/** A mono PCM16 WAV file of `samples`. */
export function encodeWav(samples: Int16Array, sampleRate: number): Uint8Array {
  const out = new Uint8Array(44 + samples.byteLength);
  const view = new DataView(out.buffer);
  const ascii = (at: number, text: string) =>
    [...text].forEach((char, i) => out[at + i] = char.charCodeAt(0));
  ascii(0, "RIFF");
  view.setUint32(4, 36 + samples.byteLength, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, samples.byteLength, true);
  out.set(pcm16ToBytes(samples), 44);
  return out;
}

/** Duration of `samples` at `sampleRate`, in milliseconds. */
export function durationMs(samples: number, sampleRate: number): number {
  return (samples / sampleRate) * 1000;
}
