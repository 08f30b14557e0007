/**
 * The image preprocessing module (Arke): its one public entry. main.ts registers
 * `preprocessModule` (modules.ts); routes fetch its API with `services.module(preprocessModule)`
 * and import the schemas and helpers they use from here, never from the files beside it.
 */
import { defineModule } from "../services.ts";
import { setupPreprocess } from "./setup.ts";
import { preprocessVariables } from "./config.ts";

export const preprocessModule = defineModule({
  name: "preprocess",
  variables: preprocessVariables,
  setup: setupPreprocess,
});

export type { PreprocessApi } from "./setup.ts";
export { readerAuth, writerAuth } from "./access.ts";
export { preprocessTopic } from "./keys.ts";
export { QueueMessage } from "./message.ts";
export { signatureHeader, verifySignature } from "./signing.ts";
export {
  BatchId,
  type BatchStatusView,
  CallbackBody,
  maxBlobUploadBytes,
  maxFilesPerBatch,
  type TaskView,
} from "./types.ts";
