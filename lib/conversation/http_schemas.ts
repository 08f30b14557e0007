/** Input schemas shared by the conversation routes (params, query, the loose update body). */
import { z } from "zod";
import { validate } from "../http/body.ts";

export const SessionIdParams = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "letters, digits, _ and - (≤ 128)"),
});

export const TokenQuery = z.object({
  token: z.string().max(200).optional(),
  lastEventId: z.string().max(20).optional(),
});

export const TenantId = z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, _ and - (≤ 64)");
export const Category = z.enum(["restaurant", "financial"]);
export const Currency = z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, "an ISO 4217 code like INR");

/** State reads: the tenant and category a service-token read creates a missing session for. */
export const StateQuery = TokenQuery.extend({ tenant: TenantId.optional(), category: Category.optional() });

/**
 * Any object with a string type; the update itself is validated per type by `parseUpdate`.
 * `tenantId` / `category` beside an envelope's `data` say which tenant an implicitly created
 * session belongs to (in the flat legacy shape such fields are the update's own).
 */
export const AnyUpdateBody = z.looseObject({ type: z.string().max(64) });

const SessionHintsBody = z.object({ tenantId: TenantId.optional(), category: Category.optional() });

/** The session hints of an update body (envelope form only). */
export function hintsOf(body: Record<string, unknown>) {
  if (typeof body.data !== "object" || body.data === null) return {};
  return validate(SessionHintsBody, { tenantId: body.tenantId, category: body.category }, "body");
}
