/**
 * The transcription module (TTTranscribe): its one public entry. main.ts registers
 * `transcriptionModule` (modules.ts); routes fetch its API with `services.module(transcriptionModule)`
 * and import what they validate or render from here, never from the files beside it.
 */
import { defineModule } from "../services.ts";
import { setupTranscription } from "./setup.ts";
import { transcriptionVariables } from "./config.ts";

export const transcriptionModule = defineModule({
  name: "transcription",
  variables: transcriptionVariables,
  setup: setupTranscription,
});

export type { TranscriptionService } from "./api.ts";
export { engineAuthKind } from "./auth.ts";
export { withSeedBadRequest } from "./bad_request.ts";
export { withTranscriptionToken } from "./limit.ts";
export { acceptedBody, type TranscriptionSource } from "./service.ts";
export { StudioId, studioRateLimit } from "./studio.ts";
export { formatTranscript, transcriptTypes } from "./subtitles.ts";
