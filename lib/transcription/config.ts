/** The transcription service's environment variables (one table; fresh.config.ts spreads it in). */
import { z } from "zod";
import { flag, secret } from "../config_schemas.ts";

const positiveInt = z.coerce.number().int().min(1);

export const transcriptionVariables = {
  ASR_PROVIDER: {
    schema: z.enum(["local", "hf", "openai"]),
    default: "local",
    doc:
      "Speech recogniser: `local` (offline pocketsphinx), `hf` (Hugging Face router) or `openai` (any OpenAI-compatible API).",
  },
  HF_API_KEY: { schema: z.string().min(1).optional(), doc: "Hugging Face token for `ASR_PROVIDER=hf`." },
  HF_ASR_MODEL: {
    schema: z.string().min(1),
    default: "openai/whisper-large-v3",
    doc: "Hugging Face model used by `ASR_PROVIDER=hf`.",
  },
  HF_BASE_URL: {
    schema: z.url(),
    default: "https://router.huggingface.co",
    doc: "Hugging Face inference router base URL (tests point it at a fake).",
  },
  OPENAI_ASR_BASE_URL: {
    schema: z.url(),
    default: "https://api.openai.com",
    doc:
      "Base URL of the OpenAI-compatible API used by `ASR_PROVIDER=openai` (`/v1/audio/transcriptions` is appended).",
  },
  OPENAI_API_KEY: { schema: z.string().min(1).optional(), doc: "API key for `ASR_PROVIDER=openai`." },
  OPENAI_ASR_MODEL: {
    schema: z.string().min(1),
    default: "whisper-1",
    doc: "Model name sent to the OpenAI-compatible transcription API.",
  },
  KEEP_TEXT_MAX: {
    schema: positiveInt,
    default: "10000",
    doc: "Transcripts longer than this many characters are cut (the result says `truncated: true`).",
  },
  RATE_LIMIT_CAPACITY: {
    schema: positiveInt,
    default: "10",
    doc: "Token bucket size per client for `/tttranscribe/transcribe` and `/estimate`.",
  },
  RATE_LIMIT_REFILL_PER_MIN: {
    schema: positiveInt,
    default: "10",
    doc: "Tokens per minute added back to each client's transcription bucket.",
  },
  TTT_SHARED_SECRET: {
    schema: secret(16),
    doc: "`X-Engine-Auth` secret between the engine and the transcription service; generated when unset.",
  },
  ENGINE_SHARED_SECRET: {
    schema: secret(16),
    doc: "The seed's service-side name for `TTT_SHARED_SECRET` (used when that one is unset).",
  },
  BUSINESS_ENGINE_WEBHOOK_SECRET: {
    schema: secret(16),
    doc:
      "Signs transcription webhooks (Standard Webhooks + `X-TTTranscribe-Signature`); generated when unset.",
  },
  BUSINESS_ENGINE_WEBHOOK_URL: {
    schema: z.url().optional(),
    doc: "Where completion webhooks go (default `$KILN_PUBLIC_URL/webhooks/tttranscribe`).",
  },
  TTT_MAX_MEDIA_BYTES: {
    schema: positiveInt,
    default: "104857600",
    doc: "Largest media file the transcription service downloads or accepts as an upload (bytes).",
  },
  TTT_FETCH_TIMEOUT_MS: {
    schema: positiveInt,
    default: "120000",
    doc: "Time limit for downloading one media file (ms).",
  },
  MEDIA_RESOLVER: {
    schema: z.enum(["auto", "builtin", "yt-dlp"]),
    default: "auto",
    doc:
      "How a URL that answers a web page (TikTok video pages and short links) becomes media: `auto` uses yt-dlp when `YT_DLP_BINARY` runs, else Kiln's own TikTok page reader (`builtin`); `yt-dlp` requires it.",
  },
  YT_DLP_BINARY: {
    schema: z.string().min(1),
    default: "yt-dlp",
    doc: "The yt-dlp executable (a name on PATH or a path) used by `MEDIA_RESOLVER`.",
  },
  TTT_ALLOW_PRIVATE_URLS: {
    schema: flag,
    default: "false",
    doc: "Tests only: allow media URLs on loopback/private/link-local addresses (refused by default).",
  },
} as const;
