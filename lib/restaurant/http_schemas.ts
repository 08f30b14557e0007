/** Route input schemas of the restaurant API. */
import { z } from "zod";

const id = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "letters, digits, _ and -");
export const TenantIdParams = z.object({ tenantId: id });
export const SessionParams = z.object({ id });
export const ToolParams = z.object({ id, name: z.string().regex(/^[a-z_]{1,64}$/, "a tool name") });
export const CreateSessionBody = z.object({
  tenantId: id,
  userId: z.string().trim().max(128).optional(),
  language: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, "a language tag like en or en-US")
    .default("en"),
});
export const ToolBody = z.object({ args: z.record(z.string(), z.unknown()).default({}) });
