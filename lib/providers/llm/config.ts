/**
 * The OpenRouter adapter's variables: shared by every module that writes with an LLM (doc-to-video
 * scripts, conversation themes), so they belong to the provider, not to one module.
 */
import { z } from "zod";

export const openRouterVariables = {
  OPENROUTER_API_KEY: {
    schema: z.string().min(1).optional(),
    doc: "OpenRouter key for script writing; unset uses the offline extractive summariser.",
  },
  OPENROUTER_BASE_URL: {
    schema: z.url(),
    default: "https://openrouter.ai/api/v1",
    doc: "OpenRouter API base URL (tests point it at a loopback fake).",
  },
};
