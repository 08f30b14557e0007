/**
 * OpenRouter chat-completions adapter (OpenAI wire format: POST {base}/chat/completions with a
 * Bearer key; answer `choices[0].message.content` + `usage`). Retries 429 and 5xx twice, after
 * 2 s and 4 s (Retry-After wins when larger), so transient rate limits never reach the user.
 */
import { z } from "zod";
import { type ChatModel, type ChatRequest, type ChatResponse, LlmError } from "./types.ts";
import { sleep } from "../../sleep.ts";

export interface OpenRouterOptions {
  apiKey: string;
  baseUrl?: string;
  /** Delays before retry 1 and 2 (ms). */
  retryDelaysMs?: number[];
  timeoutMs?: number;
  /** Sent as HTTP-Referer / X-Title (OpenRouter's app attribution headers). */
  referer?: string;
  title?: string;
  fetch?: typeof fetch;
}

const CompletionSchema = z.object({
  model: z.string().optional(),
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).optional(),
});

export function createOpenRouterModel(options: OpenRouterOptions): ChatModel {
  const baseUrl = (options.baseUrl ?? "https://openrouter.ai/api/v1").replace(/\/$/, "");
  const delays = options.retryDelaysMs ?? [2_000, 4_000];
  const doFetch = options.fetch ?? fetch;

  async function attempt(request: ChatRequest): Promise<ChatResponse> {
    const signals = [AbortSignal.timeout(options.timeoutMs ?? 60_000)];
    if (request.signal) signals.push(request.signal);
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}/chat/completions`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          "content-type": "application/json",
          ...(options.referer ? { "http-referer": options.referer } : {}),
          ...(options.title ? { "x-title": options.title } : {}),
        },
        body: JSON.stringify({
          model: request.model,
          messages: request.messages,
          ...(request.maxTokens ? { max_tokens: request.maxTokens } : {}),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        }),
        signal: AbortSignal.any(signals),
      });
    } catch (error) {
      request.signal?.throwIfAborted();
      throw new LlmError(`OpenRouter unreachable: ${(error as Error).message}`, { retryable: true });
    }
    const text = await response.text();
    if (!response.ok) {
      const retryable = response.status === 429 || response.status >= 500;
      throw Object.assign(
        new LlmError(`OpenRouter answered ${response.status}: ${text.slice(0, 200)}`, {
          status: response.status,
          retryable,
        }),
        { retryAfterMs: Number(response.headers.get("retry-after") ?? 0) * 1000 },
      );
    }
    let parsed: z.infer<typeof CompletionSchema>;
    try {
      parsed = CompletionSchema.parse(JSON.parse(text));
    } catch {
      throw new LlmError("OpenRouter sent an unexpected response shape", { retryable: false });
    }
    return {
      text: parsed.choices[0].message.content ?? "",
      model: parsed.model ?? request.model,
      usage: {
        promptTokens: parsed.usage?.prompt_tokens ?? 0,
        completionTokens: parsed.usage?.completion_tokens ?? 0,
      },
    };
  }

  return {
    name: "openrouter",
    async complete(request) {
      for (let retry = 0;; retry++) {
        try {
          return await attempt(request);
        } catch (error) {
          if (!(error instanceof LlmError) || !error.retryable || retry >= delays.length) throw error;
          const hinted = (error as LlmError & { retryAfterMs?: number }).retryAfterMs ?? 0;
          const delayMs = Math.min(Math.max(delays[retry], hinted), 30_000);
          request.onRetry?.({ retry: retry + 1, status: error.status, delayMs, message: error.message });
          await sleep(delayMs, request.signal);
        }
      }
    },
  };
}
