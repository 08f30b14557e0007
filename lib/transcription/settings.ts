/** The transcription service's resolved settings: configuration values plus generated secrets. */
import { type Config, variablesOf } from "../config.ts";
import { transcriptionVariables } from "./config.ts";
import type { SecretStore } from "../secrets.ts";
import type { AsrSettings } from "../providers/asr/select.ts";
import type { PageResolverSettings } from "./resolve/page.ts";

export interface TranscriptionSettings {
  sharedSecret: string;
  webhookSecret: string;
  webhookUrl: string;
  /** True when the operator set these (the seed's /health booleans); generated ones still work. */
  configured: { authSecret: boolean; webhookSecret: boolean; webhookUrl: boolean; hfApiKey: boolean };
  asr: AsrSettings;
  keepTextMax: number;
  rateLimit: { capacity: number; refillPerMinute: number };
  maxMediaBytes: number;
  fetchTimeoutMs: number;
  allowPrivateUrls: boolean;
  mediaResolver: PageResolverSettings;
  publicUrl: string;
  version: string;
}

export async function loadTranscriptionSettings(
  config: Config,
  secrets: SecretStore,
): Promise<TranscriptionSettings> {
  const values = variablesOf(config, transcriptionVariables);
  const providedShared = values.TTT_SHARED_SECRET ?? values.ENGINE_SHARED_SECRET;
  return {
    // One name for the generated value, so the engine's `secrets.ensure("TTT_SHARED_SECRET")` reads the same.
    sharedSecret: await secrets.ensure("TTT_SHARED_SECRET", providedShared),
    webhookSecret: await secrets.ensure(
      "BUSINESS_ENGINE_WEBHOOK_SECRET",
      values.BUSINESS_ENGINE_WEBHOOK_SECRET,
    ),
    webhookUrl: values.BUSINESS_ENGINE_WEBHOOK_URL ?? `${config.publicUrl}/webhooks/tttranscribe`,
    configured: {
      authSecret: Boolean(providedShared),
      webhookSecret: Boolean(values.BUSINESS_ENGINE_WEBHOOK_SECRET),
      webhookUrl: Boolean(values.BUSINESS_ENGINE_WEBHOOK_URL),
      hfApiKey: Boolean(values.HF_API_KEY),
    },
    asr: {
      provider: values.ASR_PROVIDER,
      hfApiKey: values.HF_API_KEY,
      hfModel: values.HF_ASR_MODEL,
      hfBaseUrl: values.HF_BASE_URL,
      openAiApiKey: values.OPENAI_API_KEY,
      openAiModel: values.OPENAI_ASR_MODEL,
      openAiBaseUrl: values.OPENAI_ASR_BASE_URL,
    },
    keepTextMax: values.KEEP_TEXT_MAX,
    rateLimit: { capacity: values.RATE_LIMIT_CAPACITY, refillPerMinute: values.RATE_LIMIT_REFILL_PER_MIN },
    maxMediaBytes: values.TTT_MAX_MEDIA_BYTES,
    fetchTimeoutMs: values.TTT_FETCH_TIMEOUT_MS,
    allowPrivateUrls: values.TTT_ALLOW_PRIVATE_URLS,
    mediaResolver: { mode: values.MEDIA_RESOLVER, ytDlpBinary: values.YT_DLP_BINARY },
    publicUrl: config.publicUrl,
    version: config.version,
  };
}
