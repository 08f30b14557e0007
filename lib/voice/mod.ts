/**
 * The voice ordering module: its one public entry. It uses the conversation module's API
 * (restaurant tools, display append) and owns nothing of theirs, so it is registered after it
 * (modules.ts). Routes fetch its API with `services.module(voiceModule)`.
 */
import { defineModule } from "../services.ts";
import { setupVoice } from "./setup.ts";
import { voiceConfigProblem, voiceVariables } from "./config.ts";

export const voiceModule = defineModule({
  name: "voice",
  variables: voiceVariables,
  checkVariables: voiceConfigProblem,
  setup: setupVoice,
});

export type { VoiceApi, VoiceSession } from "./setup.ts";
export { StartVoiceSessionBody, VoiceSocketParams, VoiceSocketQuery } from "./http_schemas.ts";
export { demoVoiceTenant } from "./demo_menu.ts";
