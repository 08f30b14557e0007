/**
 * Turns any media file (video or audio) into the 16 kHz mono 16-bit WAV every ASR provider takes,
 * with ffmpeg (MEDIA.md), contained (time limit, memory cap: the file is the user's). The duration
 * comes from the WAV's data chunk, so no ffprobe is needed.
 */
import { ContainedError } from "../contain/process.ts";
import { KilnError, withoutServerPaths } from "../errors.ts";
import { MissingToolError, runTool, ToolFailedError } from "../media/tools.ts";
import { readWavFileHeader, wavSeconds } from "../media/wav.ts";

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
  return { durationSeconds: Math.round(wavSeconds(await readWavFileHeader(output)) * 100) / 100 };
}
