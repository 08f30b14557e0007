/**
 * The voice module's environment variables (spread into fresh.config.ts). The Vertex/Gemini names
 * are Stonepot's own (`VERTEX_PROJECT_ID`, `VERTEX_LOCATION`, `VERTEX_MODEL_ID`,
 * `GOOGLE_APPLICATION_CREDENTIALS`, `VERTEX_AI_VOICE_NAME`, `GEMINI_API_KEY`), so a migrating
 * deployment keeps its environment.
 */
import { z } from "zod";
import { flag, positiveMs } from "../config_schemas.ts";
import { conversationModule } from "../conversation/mod.ts";

export const voiceVariables = {
  VOICE_PROVIDER: {
    schema: z.enum(["local", "gemini"]),
    default: "local",
    doc:
      "Voice agent of `/ws/restaurant/:id`: `local` (offline: pocketsphinx + rules + flite/espeak-ng) or `gemini` (Vertex AI / Gemini Live).",
  },
  VOICE_TTS: {
    schema: z.enum(["auto", "flite", "espeak-ng", "none"]),
    default: "auto",
    doc:
      "Speech engine of the local agent's replies: `auto` (flite, else espeak-ng), one of them, or `none` (text only).",
  },
  VOICE_TTS_VOICE: {
    schema: z.string().regex(/^[A-Za-z0-9_+.-]{1,40}$/).optional(),
    doc: "Voice of that engine (flite: `slt`, `kal16`, `awb`, `rms`; espeak-ng: `en-us`, `en-gb`…).",
  },
  VOICE_ASR_MODEL_DIR: {
    schema: z.string().min(1),
    default: "/usr/share/pocketsphinx/model/en-us",
    doc: "pocketsphinx model directory (acoustic model `en-us/`, `cmudict-en-us.dict`, `en-us.lm.bin`).",
  },
  VOICE_ASR_DECODERS: {
    schema: z.coerce.number().int().min(1).max(16),
    default: "2",
    doc: "Speech decoders shared by all conversations (each ~25 MB; one decodes one utterance at a time).",
  },
  VOICE_ASR_DICTATION: {
    schema: flag,
    default: "false",
    doc: "When the menu grammar hears nothing, decode the utterance again in open dictation (slow: 1–5 s).",
  },
  VOICE_END_SILENCE_MS: {
    schema: z.coerce.number().int().min(200).max(3_000),
    default: "600",
    doc: "Silence that ends the caller's utterance in the local agent.",
  },
  VOICE_MAX_CONVERSATIONS: {
    schema: z.coerce.number().int().min(1).max(10_000),
    default: "50",
    doc: "Voice sockets one instance serves at once; more are refused with `too_many_conversations`.",
  },
  VOICE_AUDIO_RATE_LIMIT: {
    schema: z.coerce.number().min(1).max(100),
    default: "3",
    doc: "Fastest a client may stream audio, as a multiple of real time (10 s bursts allowed).",
  },
  GEMINI_API_KEY: {
    schema: z.string().min(1).optional(),
    doc:
      "Gemini API key for `VOICE_PROVIDER=gemini` (Gemini Developer API; Vertex needs the variables below instead).",
  },
  VERTEX_PROJECT_ID: {
    schema: z.string().min(1).optional(),
    doc: "Google Cloud project of the Vertex AI Live API (with `GOOGLE_APPLICATION_CREDENTIALS`).",
  },
  VERTEX_LOCATION: {
    schema: z.string().regex(/^[a-z0-9-]{2,40}$/),
    default: "us-central1",
    doc: "Vertex AI region.",
  },
  VERTEX_MODEL_ID: {
    schema: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/).optional(),
    doc:
      "Live model (default `gemini-2.0-flash-live-preview-04-09` on Vertex, `gemini-live-2.5-flash-preview` on the Gemini API).",
  },
  GOOGLE_APPLICATION_CREDENTIALS: {
    schema: z.string().min(1).optional(),
    doc:
      "Path of a service-account JSON key for Vertex AI (its `token_uri` is where access tokens come from).",
  },
  VERTEX_AI_VOICE_NAME: {
    schema: z.string().regex(/^[A-Za-z]{1,40}$/),
    default: "Aoede",
    doc: "Prebuilt voice of the Live model's spoken replies.",
  },
  GEMINI_LIVE_URL: {
    schema: z.url().optional(),
    doc: "Overrides the Live API WebSocket endpoint (tests point it at a loopback fake).",
  },
  GEMINI_SETUP_TIMEOUT_MS: {
    schema: positiveMs,
    default: "10000",
    doc: "How long to wait for the Live API's `setupComplete`.",
  },
} as const;

/** Cross-variable rule: the gemini provider needs one complete set of credentials. */
export function voiceConfigProblem(values: {
  VOICE_PROVIDER: string;
  GEMINI_API_KEY?: string;
  VERTEX_PROJECT_ID?: string;
  GOOGLE_APPLICATION_CREDENTIALS?: string;
}): { variable: string; message: string } | undefined {
  if (values.VOICE_PROVIDER !== "gemini") return undefined;
  if (values.GEMINI_API_KEY) return undefined;
  if (values.VERTEX_PROJECT_ID && values.GOOGLE_APPLICATION_CREDENTIALS) return undefined;
  return {
    variable: "VOICE_PROVIDER",
    message: "=gemini needs GEMINI_API_KEY, or VERTEX_PROJECT_ID with GOOGLE_APPLICATION_CREDENTIALS",
  };
}

/** What voice reads: its own variables and the conversation session lifetime its state follows. */
export const voiceReads = {
  ...voiceVariables,
  CONVERSATION_SESSION_TTL_HOURS: conversationModule.variables.CONVERSATION_SESSION_TTL_HOURS,
};
