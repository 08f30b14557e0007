import { z } from "zod";
import { bearerToken } from "../../../lib/http/auth.ts";
import { define } from "../../../lib/http/route.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";
import {
  Category,
  conversationModule,
  Currency,
  SessionIdParams,
  TenantId,
  updateDocs,
} from "../../../lib/conversation/mod.ts";

/** `POST …/:id/init`, shared with Stonepot's path `/session/:id/init`. */
export function initRoute(summary: string) {
  return define.post({
    summary,
    description:
      "Service token (DISPLAY_SERVICE_TOKEN) required. Returns the display URL (with its read token) " +
      "and, for a new session, its write token. `currency` (else the tenant's menu or theme, else USD) " +
      "prices updates that name none.",
    tags: ["conversation"],
    params: SessionIdParams,
    idempotent: true,
    body: z.object({
      tenantId: TenantId,
      category: Category.default("restaurant"),
      currency: Currency.optional(),
    }),
    openapi: { errors: updateDocs.initErrors },
    responses: {
      201: { description: "Session created", schema: updateDocs.initialised },
      200: { description: "Session re-initialised (no write token)", schema: updateDocs.initialised },
    },
    async handle({ params, body, request, services }) {
      const { created, body: result } = await services.module(conversationModule).display.init(
        bearerToken(request),
        {
          sessionId: params.id === "new" ? undefined : params.id,
          tenantId: body.tenantId,
          category: body.category,
          currency: body.currency,
        },
      );
      return { status: created ? 201 : 200, json: { success: true, ...result } };
    },
  });
}

export const handler: Handlers = {
  POST: initRoute("Create or re-initialise a conversation session (`new` picks a random id)"),
};
