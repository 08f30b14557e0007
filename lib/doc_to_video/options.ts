/** The choices a user makes on upload, validated the same way for the form and the job input. */
import { z } from "zod";

export const avatars = ["amber", "william"] as const;
export const apiTypes = ["clips", "expressives"] as const;
export const sentiments = ["neutral", "happy", "serious"] as const;
export const categories = ["summarize", "explanation"] as const;
export const suggestedModels = [
  "google/gemini-2.5-flash-lite",
  "google/gemini-2.5-flash",
  "openai/gpt-4o-mini",
  "anthropic/claude-3.5-haiku",
] as const;

export const VideoOptions = z.object({
  avatar: z.enum(avatars).default("amber"),
  apiType: z.enum(apiTypes).default("clips"),
  sentiment: z.enum(sentiments).default("neutral"),
  category: z.enum(categories).default("summarize"),
  /** OpenRouter model id such as google/gemini-2.5-flash-lite; empty means the configured default. */
  model: z.string().max(100).regex(/^([\w.-]+\/[\w.:-]+)?$/, "must look like vendor/model").default(""),
  /** An installed voice id (GET /api/doc-to-video lists them); empty picks the language's best. */
  voice: z.string().max(40).regex(/^[a-z0-9-]*$/, "must be a voice id such as flite-slt").default(""),
  /** Stop after the script (status `awaiting_review`) until PUT /api/doc-to-video/:id/script. */
  review: z.enum(["true", "false", "on", "1", "0"]).transform((value) => ["true", "on", "1"].includes(value))
    .default(false),
});
export type VideoOptions = z.infer<typeof VideoOptions>;

export const DocToVideoJobInput = z.object({
  workId: z.string().min(16).max(64),
  documentHash: z.string().regex(/^[0-9a-f]{64}$/),
  documentBytes: z.number().int().min(1),
  options: VideoOptions.extend({ model: z.string().min(1).max(100), review: z.boolean() }),
  /** Set on the render job that follows a review: the reviewed job's id (its facts hold the script). */
  reviewOf: z.string().min(1).max(64).optional(),
});
export type DocToVideoJobInput = z.infer<typeof DocToVideoJobInput>;

export const docToVideoJobKind = "doc_to_video.render";
export const maxDocumentBytes = 20 * 1024 * 1024;
/** A finished job (and its files) stays readable this long. */
export const jobTtlMs = 30 * 60 * 1000;
