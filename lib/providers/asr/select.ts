/** Builds the ASR provider named by ASR_PROVIDER from the configuration values. */
import { createHfAsr } from "./hf.ts";
import { createLocalAsr } from "./local.ts";
import { createOpenAiAsr } from "./openai.ts";
import type { AsrProvider } from "./types.ts";

export interface AsrSettings {
  provider: "local" | "hf" | "openai";
  hfApiKey?: string;
  hfModel: string;
  hfBaseUrl: string;
  openAiApiKey?: string;
  openAiModel: string;
  openAiBaseUrl: string;
}

export function selectAsrProvider(settings: AsrSettings): AsrProvider {
  switch (settings.provider) {
    case "hf":
      return createHfAsr({ apiKey: settings.hfApiKey, model: settings.hfModel, baseUrl: settings.hfBaseUrl });
    case "openai":
      return createOpenAiAsr({
        apiKey: settings.openAiApiKey,
        model: settings.openAiModel,
        baseUrl: settings.openAiBaseUrl,
      });
    default:
      return createLocalAsr();
  }
}
