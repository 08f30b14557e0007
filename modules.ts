/**
 * The registration list: every domain module Kiln runs, set up by main.ts in this order (a module
 * may use the API of one above it: voice uses conversation), and whose variables fresh.config.ts
 * validates at start-up. Adding a module is its folder (`lib/<module>/mod.ts` with `defineModule`),
 * its routes, and one line here.
 */
import { conversationModule } from "./lib/conversation/mod.ts";
import { docToVideoModule } from "./lib/doc_to_video/mod.ts";
import { engineModule } from "./lib/engine/mod.ts";
import { transcriptionModule } from "./lib/transcription/mod.ts";
import { preprocessModule } from "./lib/preprocess/mod.ts";
import { voiceModule } from "./lib/voice/mod.ts";

export const modules = [
  conversationModule,
  docToVideoModule,
  engineModule,
  transcriptionModule,
  preprocessModule,
  voiceModule,
] as const;
