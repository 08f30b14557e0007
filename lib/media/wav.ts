/** Silence in the same PCM format as a synthesised WAV, so the concat demuxer can join them losslessly. */
export function silenceLike(wav: Uint8Array, seconds: number): Uint8Array {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  let offset = 12;
  let format: { channels: number; sampleRate: number; bits: number } | undefined;
  while (offset + 8 <= wav.byteLength) {
    const id = String.fromCharCode(...wav.subarray(offset, offset + 4));
    const size = view.getUint32(offset + 4, true);
    if (id === "fmt ") {
      format = {
        channels: view.getUint16(offset + 10, true),
        sampleRate: view.getUint32(offset + 12, true),
        bits: view.getUint16(offset + 22, true),
      };
      break;
    }
    offset += 8 + size + (size % 2);
  }
  const { channels, sampleRate, bits } = format ?? { channels: 1, sampleRate: 16000, bits: 16 };
  const blockAlign = channels * (bits / 8);
  const dataSize = Math.round(seconds * sampleRate) * blockAlign;
  const out = new Uint8Array(44 + dataSize);
  const header = new DataView(out.buffer);
  const ascii = (at: number, text: string) =>
    [...text].forEach((char, i) => out[at + i] = char.charCodeAt(0));
  ascii(0, "RIFF");
  header.setUint32(4, 36 + dataSize, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  header.setUint32(16, 16, true);
  header.setUint16(20, 1, true);
  header.setUint16(22, channels, true);
  header.setUint32(24, sampleRate, true);
  header.setUint32(28, sampleRate * blockAlign, true);
  header.setUint16(32, blockAlign, true);
  header.setUint16(34, bits, true);
  ascii(36, "data");
  header.setUint32(40, dataSize, true);
  return out;
}
