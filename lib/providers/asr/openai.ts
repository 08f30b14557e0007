/**
 * Any OpenAI-compatible speech-to-text API: `POST {base}/v1/audio/transcriptions`, multipart with
 * `file` and `model` (plus `response_format=verbose_json` so a language comes back when the server
 * supports it); the answer is `{"text": "...", "language"?: "english"}`.
 */
import { KilnError } from "../../errors.ts";
import { postToAsr } from "./remote.ts";
import type { AsrProvider } from "./types.ts";

/** One recognition request may take long for long audio, but never forever. */

export interface OpenAiAsrOptions {
  apiKey?: string;
  model: string;
  baseUrl: string;
}

const languageCodes: Record<string, string> = {
  english: "en",
  arabic: "ar",
  french: "fr",
  spanish: "es",
  german: "de",
};

export function createOpenAiAsr(options: OpenAiAsrOptions): AsrProvider {
  const endpoint = `${options.baseUrl.replace(/\/$/, "")}/v1/audio/transcriptions`;
  return {
    name: "openai",
    async transcribe({ path, signal }) {
      if (!options.apiKey) throw noKey();
      const form = new FormData();
      form.append("file", new Blob([await Deno.readFile(path)], { type: "audio/wav" }), "audio.wav");
      form.append("model", options.model);
      form.append("response_format", "verbose_json");
      const response = await postToAsr(
        endpoint,
        {
          headers: { authorization: `Bearer ${options.apiKey}` },
          body: form,
        },
        signal,
        "The transcription API",
      );
      const text = await response.text();
      let body: { text?: unknown; language?: unknown } | undefined;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (!response.ok || typeof body?.text !== "string") {
        throw new KilnError(
          "upstream",
          "asr_failed",
          `The transcription API answered ${response.status}: ${text.slice(0, 300)}`,
          {
            details: { upstreamStatus: response.status },
          },
        );
      }
      const language = typeof body.language === "string"
        ? languageCodes[body.language.toLowerCase()] ?? body.language
        : undefined;
      return { text: body.text.trim(), language };
    },
    availability() {
      return Promise.resolve(
        options.apiKey ? { available: true } : { available: false, detail: noKey().message },
      );
    },
  };
}

function noKey(): KilnError {
  return new KilnError("unavailable", "asr_not_configured", "ASR_PROVIDER=openai needs OPENAI_API_KEY.");
}
