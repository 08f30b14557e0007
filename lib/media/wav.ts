/**
 * WAV files without a tool: the one header parser (durations of narration and transcription audio,
 * the samples of synthesised speech) and the one header writer (test audio, a recording saved from
 * the voice socket, silence matching a narration's format).
 */
export interface Wav {
  sampleRate: number;
  samples: Int16Array;
}

/** A PCM WAV's format and where its samples are. */
export interface WavHeader {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  byteRate: number;
  dataOffset: number;
  dataBytes: number;
}

/**
 * Walks the chunks of a WAV's first bytes (`head`); `fileSize` is the whole file's (defaults to
 * `head`'s). A data size of 0 or 0xffffffff, or past the end (a tool writing to a pipe cannot seek
 * back to fill it in), means "the rest of the file". Without a data chunk in `head`, the classic
 * 44-byte header is assumed.
 */
export function wavHeader(head: Uint8Array, fileSize = head.byteLength): WavHeader {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const tag = (at: number) => String.fromCharCode(...head.subarray(at, at + 4));
  const header = { channels: 1, sampleRate: 16_000, bitsPerSample: 16, byteRate: 32_000 };
  let offset = 12;
  while (offset + 8 <= head.byteLength) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    if (id === "fmt " && offset + 24 <= head.byteLength) {
      header.channels = view.getUint16(offset + 10, true);
      header.sampleRate = view.getUint32(offset + 12, true);
      header.byteRate = view.getUint32(offset + 16, true);
      header.bitsPerSample = view.getUint16(offset + 22, true);
    } else if (id === "data") {
      const dataOffset = offset + 8;
      const rest = Math.max(0, fileSize - dataOffset);
      const dataBytes = size === 0 || size === 0xffffffff ? rest : Math.min(size, rest);
      return { ...header, dataOffset, dataBytes };
    }
    offset += 8 + size + (size % 2);
  }
  return { ...header, dataOffset: 44, dataBytes: Math.max(0, fileSize - 44) };
}

/** The header of a WAV file on disk, from its first 4 KiB and its size (the samples are not read). */
export async function readWavFileHeader(path: string): Promise<WavHeader> {
  const file = await Deno.open(path, { read: true });
  try {
    const head = new Uint8Array(4096);
    const read = (await file.read(head)) ?? 0;
    const { size } = await file.stat();
    return wavHeader(head.subarray(0, read), size);
  } finally {
    file.close();
  }
}

/** Seconds of audio a header describes (0 for a header without a byte rate). */
export function wavSeconds(header: Pick<WavHeader, "dataBytes" | "byteRate">): number {
  return header.byteRate > 0 ? header.dataBytes / header.byteRate : 0;
}

/** Reads a mono PCM16 WAV (anything else is refused with the format it has). */
export function readWav(bytes: Uint8Array): Wav {
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.byteLength < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") throw new Error("not a WAV file");
  const header = wavHeader(bytes);
  if (header.channels !== 1 || header.bitsPerSample !== 16) {
    throw new Error(`expected mono 16-bit PCM, got ${header.channels}ch ${header.bitsPerSample}-bit`);
  }
  const data = bytes.slice(header.dataOffset, header.dataOffset + (header.dataBytes & ~1));
  return { sampleRate: header.sampleRate, samples: new Int16Array(data.buffer) };
}

/** The 44-byte header of a PCM WAV holding `dataBytes` of samples in `format`. */
function riffHeader(
  format: { channels: number; sampleRate: number; bitsPerSample: number },
  dataBytes: number,
): Uint8Array<ArrayBuffer> {
  const { channels, sampleRate, bitsPerSample } = format;
  const blockAlign = channels * (bitsPerSample / 8);
  const out = new Uint8Array(44);
  const view = new DataView(out.buffer);
  const ascii = (at: number, text: string) =>
    [...text].forEach((char, i) => out[at + i] = char.charCodeAt(0));
  ascii(0, "RIFF");
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bitsPerSample, true);
  ascii(36, "data");
  view.setUint32(40, dataBytes, true);
  return out;
}

/** A mono PCM16 WAV file of `samples`. */
export function encodeWav(samples: Int16Array, sampleRate: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(44 + samples.byteLength);
  out.set(riffHeader({ channels: 1, sampleRate, bitsPerSample: 16 }, samples.byteLength));
  out.set(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength), 44);
  return out;
}

/** Silence in the same PCM format as a synthesised WAV, so the concat demuxer can join them losslessly. */
export function silenceLike(wav: Uint8Array, seconds: number): Uint8Array {
  const format = wavHeader(wav);
  const blockAlign = format.channels * (format.bitsPerSample / 8);
  const dataBytes = Math.round(seconds * format.sampleRate) * blockAlign;
  const out = new Uint8Array(44 + dataBytes);
  out.set(riffHeader(format, dataBytes));
  return out;
}
