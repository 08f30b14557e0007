/**
 * Turns any media file (video or audio) into the 16 kHz mono 16-bit WAV every ASR provider takes,
 * with ffmpeg (MEDIA.md), contained (time limit, memory cap: the file is the user's). The duration
 * comes from the WAV's data chunk, so no ffprobe is needed.
 */
import { ContainedError, type ContainedOutput, runContained } from "../contain/process.ts";
import { KilnError, withoutServerPaths } from "../errors.ts";
import { toolLimits } from "../media/tools.ts";

export const ffmpegBinary = "ffmpeg";

export async function extractAudio(
  input: string,
  output: string,
  signal: AbortSignal,
): Promise<{ durationSeconds: number }> {
  let result: ContainedOutput;
  try {
    result = await runContained(ffmpegBinary, [
      "-v",
      "error",
      "-nostdin",
      "-y",
      "-i",
      input,
      "-vn",
      "-ac",
      "1",
      "-ar",
      "16000",
      "-c:a",
      "pcm_s16le",
      "-f",
      "wav",
      output,
    ], { limits: toolLimits, signal });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new KilnError(
        "unavailable",
        "ffmpeg_missing",
        "ffmpeg is not installed; install it with: apt-get install -y ffmpeg",
      );
    }
    if (error instanceof ContainedError) {
      throw new KilnError(
        "invalid",
        "media_unreadable",
        `The media could not be decoded safely: ${error.message}`,
      );
    }
    throw error;
  }
  if (!result.success) {
    // ffmpeg names its files in every message: say "media", never where the server keeps it.
    const stderr = result.stderr.replaceAll(input, "media").replaceAll(output, "audio").trim().slice(-400);
    throw new KilnError(
      "invalid",
      "media_unreadable",
      `The media has no readable audio track: ${withoutServerPaths(stderr)}`,
    );
  }
  return { durationSeconds: await wavDurationSeconds(output) };
}

/** Where a PCM WAV file's samples are: the data chunk's offset and size, and the byte rate. */
export interface WavLayout {
  dataOffset: number;
  dataBytes: number;
  byteRate: number;
}

export async function readWavLayout(path: string): Promise<WavLayout> {
  const file = await Deno.open(path, { read: true });
  try {
    const header = new Uint8Array(4096);
    const read = (await file.read(header)) ?? 0;
    const { size: fileSize } = await file.stat();
    const view = new DataView(header.buffer, 0, read);
    let byteRate = 32_000;
    for (let offset = 12; offset + 8 <= read;) {
      const id = new TextDecoder().decode(header.subarray(offset, offset + 4));
      const size = view.getUint32(offset + 4, true);
      if (id === "fmt " && offset + 20 <= read) byteRate = view.getUint32(offset + 16, true);
      if (id === "data") {
        const dataOffset = offset + 8;
        // ffmpeg writing to a pipe leaves the size unset (0 or 0xffffffff): use the file size.
        const dataBytes = size === 0 || size === 0xffffffff ? fileSize - dataOffset : size;
        return { dataOffset, dataBytes: Math.min(dataBytes, fileSize - dataOffset), byteRate };
      }
      offset += 8 + size + (size % 2);
    }
    return { dataOffset: 44, dataBytes: Math.max(0, fileSize - 44), byteRate };
  } finally {
    file.close();
  }
}

/** Seconds of audio in a PCM WAV file, from its fmt and data chunks. */
export async function wavDurationSeconds(path: string): Promise<number> {
  const { dataBytes, byteRate } = await readWavLayout(path);
  return Math.round((dataBytes / byteRate) * 100) / 100;
}
