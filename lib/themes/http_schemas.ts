/** Route input schemas of the themes API. */
import { z } from "zod";

export const TenantParams = z.object({
  tenant: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, _ and - (≤ 64)"),
});
