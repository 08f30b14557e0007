/**
 * Turns any media file (video or audio) into the 16 kHz mono 16-bit WAV every ASR provider takes,
 * with ffmpeg (MEDIA.md), contained (time limit, memory cap: the file is the user's). The duration
 * comes from the WAV's data chunk, so no ffprobe is needed.
 */
import { ContainedError, type ContainedOutput, runContained } from "../contain/process.ts";
import { KilnError } from "../errors.ts";
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
    const stderr = result.stderr.trim().slice(-400);
    throw new KilnError("invalid", "media_unreadable", `The media has no readable audio track: ${stderr}`);
  }
  return { durationSeconds: await wavDurationSeconds(output) };
}

/** Seconds of audio in a PCM WAV file, from its fmt and data chunks. */
export async function wavDurationSeconds(path: string): Promise<number> {
  const file = await Deno.open(path, { read: true });
  try {
    const header = new Uint8Array(4096);
    const read = (await file.read(header)) ?? 0;
    const stat = await file.stat();
    const view = new DataView(header.buffer, 0, read);
    let byteRate = 32_000;
    for (let offset = 12; offset + 8 <= read;) {
      const id = new TextDecoder().decode(header.subarray(offset, offset + 4));
      const size = view.getUint32(offset + 4, true);
      if (id === "fmt ") byteRate = view.getUint32(offset + 16, true);
      if (id === "data") {
        // ffmpeg writing to a pipe leaves the size unset (0 or 0xffffffff): use the file size.
        const dataBytes = size === 0 || size === 0xffffffff ? stat.size - offset - 8 : size;
        return Math.round((dataBytes / byteRate) * 100) / 100;
      }
      offset += 8 + size + (size % 2);
    }
    return Math.round(((stat.size - 44) / byteRate) * 100) / 100;
  } finally {
    file.close();
  }
}
