/** Doc-to-video's environment variables (spread into fresh.config.ts's configVariables). */
import { z } from "zod";
import { positiveMs, secret } from "../config_schemas.ts";
import type { VariableValues } from "../config.ts";
import { openRouterVariables } from "../providers/llm/config.ts";

export const docToVideoVariables = {
  DOC_TO_VIDEO_MODEL: {
    schema: z.string().min(1).max(100),
    default: "google/gemini-2.5-flash-lite",
    doc: "Default OpenRouter model for doc-to-video scripts.",
  },
  DID_API_KEY: {
    schema: z.string().min(1).optional(),
    doc:
      "D-ID API key for presenter videos; unset renders videos locally (page visuals, local voice, ffmpeg).",
  },
  DID_BASE_URL: {
    schema: z.url(),
    default: "https://api.d-id.com",
    doc: "D-ID API base URL (tests point it at a loopback fake).",
  },
  DID_WEBHOOK_SECRET: {
    schema: secret(),
    doc: "Key that signs the per-job token in D-ID webhook URLs (≥ 32 chars); generated when unset.",
  },
  DID_POLL_MS: {
    schema: positiveMs,
    default: "5000",
    doc: "How often a doc-to-video job polls D-ID when no webhook has arrived.",
  },
  DOC_TO_VIDEO_FFMPEG: {
    schema: z.string().min(1),
    default: "ffmpeg",
    doc: "ffmpeg binary for local videos.",
  },
  DOC_TO_VIDEO_ESPEAK: {
    schema: z.string().min(1),
    default: "espeak-ng",
    doc: "espeak-ng binary for local narration (Arabic and the last-resort English voice).",
  },
  DOC_TO_VIDEO_FLITE: {
    schema: z.string().min(1),
    default: "flite",
    doc: "flite binary for local narration (the most intelligible English voices; Debian flite).",
  },
  DOC_TO_VIDEO_TEXT2WAVE: {
    schema: z.string().min(1),
    default: "text2wave",
    doc: "festival's text2wave for the festival voices (optional; Debian festival + festvox-*).",
  },
  DOC_TO_VIDEO_POPPLER_DIR: {
    schema: z.string(),
    default: "",
    doc: "Directory of poppler-utils' pdftotext/pdftoppm/pdfimages for page visuals; empty uses PATH.",
  },
  DOC_TO_VIDEO_FONT: {
    schema: z.string().min(1),
    default: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    doc: "TrueType font for local slides (must cover Arabic; Debian fonts-dejavu-core).",
  },
} as const;

/** What doc-to-video reads: its own variables and the shared OpenRouter ones. */
export const docToVideoReads = { ...docToVideoVariables, ...openRouterVariables };
export type DocToVideoValues = VariableValues<typeof docToVideoReads>;
