/**
 * D-ID adapter: `POST /clips` (presenter_id) for clips, `POST /talks` (source_url + driver
 * expressions) for expressives; `GET /clips/{id}` / `GET /talks/{id}` for polling. Basic auth
 * with the API key as D-ID issues it; statuses created/started/done/error/rejected.
 */
import { z } from "zod";
import { KilnError } from "../../errors.ts";
import { fetchPublic } from "../../net/public_url.ts";
import {
  type RemoteVideoProvider,
  type RemoteVideoState,
  type VideoApiType,
  VideoProviderError,
} from "./types.ts";

export interface DidOptions {
  apiKey: string;
  baseUrl?: string;
  fetch?: typeof fetch;
}

/** Presenters per avatar choice: a clips presenter id and a talks source image. */
export const didPresenters: Record<string, { presenterId: string; sourceUrl: string; voice: string }> = {
  amber: {
    presenterId: "v2_public_Amber@0zSz8kflCN",
    sourceUrl: "https://d-id-public-bucket.s3.us-west-2.amazonaws.com/alice.jpg",
    voice: "en-US-JennyNeural",
  },
  william: {
    presenterId: "v2_public_william@m0n5bg6ts7",
    sourceUrl: "https://d-id-public-bucket.s3.us-west-2.amazonaws.com/william.jpg",
    voice: "en-US-GuyNeural",
  },
};

const arabicVoices: Record<string, string> = { amber: "ar-SA-ZariyahNeural", william: "ar-SA-HamedNeural" };

export const DidState = z.object({
  id: z.string().min(1).max(200),
  status: z.enum(["created", "started", "done", "error", "rejected"]),
  result_url: z.string().url().optional(),
  duration: z.number().optional(),
  error: z.unknown().optional(),
});

export function toState(body: z.infer<typeof DidState>): RemoteVideoState {
  const state: RemoteVideoState = { id: body.id, status: body.status };
  if (body.result_url) state.resultUrl = body.result_url;
  if (body.duration !== undefined) state.durationSeconds = body.duration;
  if (body.error !== undefined) {
    const error = body.error as { description?: string; kind?: string };
    state.error = error?.description ?? error?.kind ?? JSON.stringify(body.error).slice(0, 200);
  }
  return state;
}

export function createDidProvider(options: DidOptions): RemoteVideoProvider {
  const baseUrl = (options.baseUrl ?? "https://api.d-id.com").replace(/\/$/, "");
  const doFetch = options.fetch ?? fetch;
  // D-ID issues keys as "user:secret" to be base64-encoded, or already encoded; accept both.
  const credentials = options.apiKey.includes(":") ? btoa(options.apiKey) : options.apiKey;
  const headers = { authorization: `Basic ${credentials}`, accept: "application/json" };
  const path = (apiType: VideoApiType) => apiType === "clips" ? "clips" : "talks";

  async function call(method: string, url: string, body?: unknown, signal?: AbortSignal) {
    let response: Response;
    try {
      response = await doFetch(url, {
        method,
        headers: body ? { ...headers, "content-type": "application/json" } : headers,
        body: body ? JSON.stringify(body) : undefined,
        signal,
      });
    } catch (error) {
      signal?.throwIfAborted();
      throw new VideoProviderError(`D-ID unreachable: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) {
      let detail = text.slice(0, 200);
      try {
        const problem = JSON.parse(text) as { kind?: string; description?: string };
        detail = [problem.kind, problem.description].filter(Boolean).join(": ") || detail;
      } catch { /* not JSON: keep the raw text */ }
      throw new VideoProviderError(`D-ID answered ${response.status}: ${detail}`, response.status);
    }
    const parsed = DidState.safeParse(JSON.parse(text || "{}"));
    if (!parsed.success) throw new VideoProviderError("D-ID sent an unexpected response shape");
    return toState(parsed.data);
  }

  return {
    name: "d-id",
    create(request) {
      const presenter = didPresenters[request.avatar] ?? didPresenters.amber;
      const voice = request.language === "ar"
        ? arabicVoices[request.avatar] ?? arabicVoices.amber
        : presenter.voice;
      const script = {
        type: "text",
        input: request.script,
        provider: { type: "microsoft", voice_id: voice },
      };
      const body = request.apiType === "clips"
        ? { presenter_id: presenter.presenterId, script, webhook: request.webhookUrl }
        : {
          source_url: presenter.sourceUrl,
          script,
          webhook: request.webhookUrl,
          config: {
            driver_expressions: {
              expressions: [{ start_frame: 0, expression: request.sentiment, intensity: 1 }],
            },
          },
        };
      return call("POST", `${baseUrl}/${path(request.apiType)}`, body, request.signal);
    },
    get(apiType, id, signal) {
      return call("GET", `${baseUrl}/${path(apiType)}/${encodeURIComponent(id)}`, undefined, signal);
    },
    async download(url, signal) {
      // The result URL arrives in a response or a webhook: fetched from D-ID's own origin or a
      // public address only, every redirect checked (lib/net).
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        throw new VideoProviderError("D-ID sent an invalid result URL");
      }
      const policy = { allowPrivate: target.origin === new URL(baseUrl).origin };
      let response: Response;
      try {
        response = await fetchPublic(target, { policy, signal });
      } catch (error) {
        signal?.throwIfAborted();
        if (error instanceof KilnError) {
          throw new VideoProviderError(`D-ID result URL refused: ${error.message}`);
        }
        throw error;
      }
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        throw new VideoProviderError(`Downloading the D-ID result failed with ${response.status}`);
      }
      return response.body;
    },
  };
}
