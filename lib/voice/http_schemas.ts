/** Route input schemas of the voice API. */
import { z } from "zod";

const id = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "letters, digits, _ and -");
export const VoiceSocketParams = z.object({ sessionId: id });
export const VoiceSocketQuery = z.object({
  token: z.string().max(200).optional(),
  // Stonepot's client appends these; the session already knows its tenant and language.
  tenantId: z.string().max(128).optional(),
  language: z.string().max(20).optional(),
  userId: z.string().max(128).optional(),
  customerPhone: z.string().max(40).optional(),
});
export const StartVoiceSessionBody = z.object({
  tenantId: id.optional(),
  language: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, "a language tag like en or en-US")
    .default("en"),
});
