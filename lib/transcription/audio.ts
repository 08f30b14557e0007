/**
 * Turns any media file (video or audio) into the 16 kHz mono 16-bit WAV every ASR provider takes,
 * with ffmpeg (MEDIA.md), contained (time limit, memory cap: the file is the user's). The duration
 * comes from the WAV's data chunk, so no ffprobe is needed.
 */
import { ContainedError } from "../contain/process.ts";
import { KilnError, withoutServerPaths } from "../errors.ts";
import { MissingToolError, runTool, ToolFailedError } from "../media/tools.ts";
import { wavHeader } from "../media/wav.ts";

export const ffmpegBinary = "ffmpeg";

export async function extractAudio(
  input: string,
  output: string,
  signal: AbortSignal,
): Promise<{ durationSeconds: number }> {
  try {
    await runTool(ffmpegBinary, [
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
    ], { signal });
  } catch (error) {
    if (error instanceof MissingToolError) {
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
    if (error instanceof ToolFailedError) {
      // ffmpeg names its files in every message: say "media", never where the server keeps it.
      const stderr = error.stderr.replaceAll(input, "media").replaceAll(output, "audio").trim().slice(-400);
      throw new KilnError(
        "invalid",
        "media_unreadable",
        `The media has no readable audio track: ${withoutServerPaths(stderr)}`,
      );
    }
    throw error;
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
    const head = new Uint8Array(4096);
    const read = (await file.read(head)) ?? 0;
    const { size } = await file.stat();
    const { dataOffset, dataBytes, byteRate } = wavHeader(head.subarray(0, read), size);
    return { dataOffset, dataBytes, byteRate };
  } finally {
    file.close();
  }
}

/** Seconds of audio in a PCM WAV file, from its fmt and data chunks. */
export async function wavDurationSeconds(path: string): Promise<number> {
  const { dataBytes, byteRate } = await readWavLayout(path);
  return Math.round((dataBytes / byteRate) * 100) / 100;
}
