/**
 * Per-job cost estimate: LLM tokens at the model's list price plus provider video time. Estimates,
 * logged and returned so an operator sees what a document costs before the invoice does.
 */
import type { TokenUsage } from "../providers/llm/types.ts";

/** USD per million tokens (input, output); unknown models use the default's price. */
const tokenPrices: Record<string, [number, number]> = {
  "google/gemini-2.5-flash-lite": [0.1, 0.4],
  "google/gemini-2.5-flash": [0.3, 2.5],
  "openai/gpt-4o-mini": [0.15, 0.6],
  "anthropic/claude-3.5-haiku": [0.8, 4],
};
/** USD per video by D-ID product (the seed's figures). */
const videoPrices: Record<string, number> = { clips: 0.05, expressives: 0.1 };

export interface CostEstimate {
  llm: { writer: string; model: string; promptTokens: number; completionTokens: number; usd: number };
  video: { provider: string; seconds: number; usd: number };
  totalUsd: number;
}

export function estimateCost(input: {
  writer: string;
  model: string;
  usage: TokenUsage;
  videoProvider: string;
  apiType: string;
  videoSeconds: number;
}): CostEstimate {
  const [inputPrice, outputPrice] = input.writer === "local-summariser"
    ? [0, 0]
    : tokenPrices[input.model] ?? tokenPrices["google/gemini-2.5-flash-lite"];
  const llmUsd = (input.usage.promptTokens * inputPrice + input.usage.completionTokens * outputPrice) / 1e6;
  const videoUsd = input.videoProvider === "local" ? 0 : videoPrices[input.apiType] ?? 0.1;
  return {
    llm: { writer: input.writer, model: input.model, ...input.usage, usd: round(llmUsd) },
    video: { provider: input.videoProvider, seconds: round(input.videoSeconds), usd: videoUsd },
    totalUsd: round(llmUsd + videoUsd),
  };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
