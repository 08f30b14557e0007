/** Input schemas shared by the conversation routes (params, query, the loose update body). */
import { z } from "zod";

export const SessionIdParams = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "letters, digits, _ and - (≤ 128)"),
});

export const TokenQuery = z.object({
  token: z.string().max(200).optional(),
  lastEventId: z.string().max(20).optional(),
});

/** Any object with a string type; the update itself is validated per type by `parseUpdate`. */
export const AnyUpdateBody = z.looseObject({ type: z.string().max(64) });
