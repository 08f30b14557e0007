/** The transcription service from the app's services (routes use this; it is set by setup). */
import type { Services } from "../services.ts";
import { KilnError } from "../errors.ts";
import type { TranscriptionService } from "./mod.ts";

export function transcriptionOf(services: Services): TranscriptionService {
  if (!services.transcription) {
    throw new KilnError("unavailable", "transcription_disabled", "The transcription service is not set up.");
  }
  return services.transcription;
}
