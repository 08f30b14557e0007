/** Reusable zod schemas for environment variables (strings in, typed values out). */
import { z } from "zod";

export const port = z.coerce.number().int().min(0).max(65535);
export const positiveMs = z.coerce.number().int().min(1);
export const flag = z.enum(["0", "1", "true", "false"]).transform((value) =>
  value === "1" || value === "true"
);
export const csv = z.string().transform((value) =>
  value.split(",").map((item) => item.trim()).filter(Boolean)
);
/** A secret: unset means "generate one" (lib/secrets.ts); set but shorter than `min` stops start-up. */
export const secret = (min = 32) => z.string().min(min, `must be at least ${min} characters`).optional();
