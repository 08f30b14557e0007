/**
 * What the upload form offers (also served as JSON at GET /api/doc-to-video for mobile clients),
 * and which choices take effect with the configured providers: a choice that does nothing says why
 * in one line instead of pretending.
 */
import type { DocToVideoValues } from "./config.ts";
import { defaultVoice } from "../media/voices.ts";
import { apiTypes, avatars, categories, maxDocumentBytes, sentiments, suggestedModels } from "./options.ts";
import type { DocToVideoService } from "./service.ts";

export interface VoiceOption {
  id: string;
  label: string;
  language: "en" | "ar";
}

export interface PageOptions {
  avatars: readonly string[];
  apiTypes: readonly string[];
  sentiments: readonly string[];
  categories: readonly string[];
  models: string[];
  defaultModel: string;
  /** Installed voices, most intelligible first per language. */
  voices: VoiceOption[];
  /** The voice each language gets when none is chosen. */
  defaultVoices: Partial<Record<"en" | "ar", string>>;
  maxBytes: number;
  scriptWriter: "openrouter" | "local-summariser";
  videoProvider: "d-id" | "local";
  /** Whether page images and figures can be shown (poppler-utils installed). */
  pageVisuals: boolean;
  /** Choices that have no effect with this configuration, with the reason (absent = takes effect). */
  unavailable: Partial<Record<"avatar" | "apiType" | "model" | "voice", string>>;
}

export async function pageOptions(
  values: DocToVideoValues,
  service: Pick<DocToVideoService, "voices" | "pageVisuals">,
): Promise<PageOptions> {
  const defaultModel = values.DOC_TO_VIDEO_MODEL;
  const [voices, pageVisuals] = await Promise.all([service.voices(), service.pageVisuals()]);
  const remote = Boolean(values.DID_API_KEY);
  const unavailable: PageOptions["unavailable"] = {};
  if (!remote) {
    unavailable.avatar =
      "Presenters need a D-ID key (DID_API_KEY); offline videos show the document's pages.";
    unavailable.apiType =
      "Video types are D-ID products; offline videos are page visuals with a local voice.";
  } else {
    unavailable.voice = "The D-ID presenter speaks with its own voice.";
  }
  if (!values.OPENROUTER_API_KEY) {
    unavailable.model =
      "Models need an OpenRouter key (OPENROUTER_API_KEY); the offline summariser writes the script.";
  }
  const english = defaultVoice(voices, "en");
  const arabic = defaultVoice(voices, "ar");
  return {
    avatars,
    apiTypes,
    sentiments,
    categories,
    models: [...new Set([defaultModel, ...suggestedModels])],
    defaultModel,
    voices: voices.map(({ id, label, language }) => ({ id, label, language })),
    defaultVoices: { ...(english ? { en: english.id } : {}), ...(arabic ? { ar: arabic.id } : {}) },
    maxBytes: maxDocumentBytes,
    scriptWriter: values.OPENROUTER_API_KEY ? "openrouter" : "local-summariser",
    videoProvider: remote ? "d-id" : "local",
    pageVisuals,
    unavailable,
  };
}
