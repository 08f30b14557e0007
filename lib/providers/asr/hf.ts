/**
 * Hugging Face Inference (router): `POST {base}/hf-inference/models/{model}` with the raw audio as
 * the body and `Authorization: Bearer HF_API_KEY`; the answer is `{"text": "..."}`. A cold model
 * answers 503 `{"error": "... is currently loading", "estimated_time": 20.0}`; we wait (capped) and
 * retry a few times instead of failing the job. Timestamped `chunks`, when the answer has them,
 * become segments.
 */
import { KilnError } from "../../errors.ts";
import { postToAsr } from "./remote.ts";
import type { AsrProvider, TimedSegment } from "./types.ts";
import { sleep } from "../../sleep.ts";

export interface HfAsrOptions {
  apiKey?: string;
  model: string;
  baseUrl: string;
  /** Attempts while the model is loading (default 5). */
  loadingAttempts?: number;
  /** Longest wait between loading retries, ms (default 30 s; tests lower it). */
  maxWaitMs?: number;
}

export function createHfAsr(options: HfAsrOptions): AsrProvider {
  const endpoint = `${options.baseUrl.replace(/\/$/, "")}/hf-inference/models/${options.model}`;
  const attempts = options.loadingAttempts ?? 5;
  return {
    name: "hf",
    async transcribe({ path, signal }) {
      if (!options.apiKey) throw noKey();
      const audio = await Deno.readFile(path);
      for (let attempt = 1;; attempt++) {
        const response = await postToAsr(
          endpoint,
          {
            headers: {
              authorization: `Bearer ${options.apiKey}`,
              "content-type": "audio/wav",
              accept: "application/json",
            },
            body: audio,
          },
          signal,
          "Hugging Face",
        );
        const text = await response.text();
        const body = parseJson(text);
        if (response.ok && typeof body?.text === "string") {
          return { text: body.text.trim(), segments: chunkSegments(body.chunks) };
        }
        if (response.status === 503 && attempt < attempts) {
          const seconds = typeof body?.estimated_time === "number" ? body.estimated_time : 10;
          await sleep(Math.min(seconds * 1000, options.maxWaitMs ?? 30_000), signal);
          continue;
        }
        throw new KilnError(
          "upstream",
          "asr_failed",
          `Hugging Face answered ${response.status}: ${text.slice(0, 300)}`,
          {
            details: { upstreamStatus: response.status },
          },
        );
      }
    },
    availability() {
      return Promise.resolve(
        options.apiKey ? { available: true } : { available: false, detail: noKey().message },
      );
    },
  };
}

/**
 * The pipeline's `chunks` (`[{text, timestamp: [start, end]}]`), present when the endpoint runs
 * with timestamps; anything else gives no segments.
 */
function chunkSegments(chunks: unknown): TimedSegment[] {
  if (!Array.isArray(chunks)) return [];
  return chunks.flatMap((chunk) => {
    const [start, end] = Array.isArray(chunk?.timestamp) ? chunk.timestamp : [];
    const text = typeof chunk?.text === "string" ? chunk.text.trim() : "";
    if (!text || typeof start !== "number" || !Number.isFinite(start)) return [];
    return [{ start, end: typeof end === "number" && end >= start ? end : start, text }];
  });
}

function noKey(): KilnError {
  return new KilnError("unavailable", "asr_not_configured", "ASR_PROVIDER=hf needs HF_API_KEY.");
}

// deno-lint-ignore no-explicit-any
function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
