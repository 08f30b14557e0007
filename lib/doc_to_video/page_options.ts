/** What the upload form offers (also served as JSON at GET /api/doc-to-video for mobile clients). */
import type { Services } from "../services.ts";
import { apiTypes, avatars, categories, maxDocumentBytes, sentiments, suggestedModels } from "./options.ts";

export interface PageOptions {
  avatars: readonly string[];
  apiTypes: readonly string[];
  sentiments: readonly string[];
  categories: readonly string[];
  models: string[];
  defaultModel: string;
  maxBytes: number;
  scriptWriter: "openrouter" | "local-summariser";
  videoProvider: "d-id" | "local";
}

export function pageOptions(services: Services): PageOptions {
  const values = services.config.values;
  const defaultModel = values.DOC_TO_VIDEO_MODEL;
  return {
    avatars,
    apiTypes,
    sentiments,
    categories,
    models: [...new Set([defaultModel, ...suggestedModels])],
    defaultModel,
    maxBytes: maxDocumentBytes,
    scriptWriter: values.OPENROUTER_API_KEY ? "openrouter" : "local-summariser",
    videoProvider: values.DID_API_KEY ? "d-id" : "local",
  };
}
