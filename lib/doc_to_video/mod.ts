/**
 * The doc-to-video module: its one public entry. main.ts registers `docToVideoModule`
 * (modules.ts); routes fetch its API with `services.module(docToVideoModule)` and import the schemas
 * and helpers they use from here, never from the files beside it.
 */
import { defineModule } from "../services.ts";
import { setupDocToVideo } from "./setup.ts";
import { docToVideoVariables } from "./config.ts";

export const docToVideoModule = defineModule({
  name: "doc_to_video",
  variables: docToVideoVariables,
  setup: setupDocToVideo,
});

export type { DocToVideoApi } from "./setup.ts";
export { fileResponse } from "./file_response.ts";
export { maxDocumentBytes } from "./options.ts";
export type { PageOptions } from "./page_options.ts";
export { JobParams } from "./route_support.ts";
export { maxSections, ScriptSections } from "./sections.ts";
export { FileParams } from "./service.ts";
export { receiveWebhook, WebhookQuery } from "./webhook.ts";
