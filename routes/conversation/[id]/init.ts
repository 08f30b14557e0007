import { z } from "zod";
import { bearerToken } from "../../../lib/http/auth.ts";
import { define } from "../../../lib/http/route.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";
import { SessionIdParams } from "../../../lib/conversation/http_schemas.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Create or re-initialise a conversation session (`new` picks a random id)",
    description:
      "Service token (DISPLAY_SERVICE_TOKEN) required. Returns the display URL (with its read token) " +
      "and, for a new session, its write token.",
    tags: ["conversation"],
    params: SessionIdParams,
    idempotent: true,
    body: z.object({
      tenantId: z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, _ and - (≤ 64)"),
      category: z.enum(["restaurant", "financial"]).default("restaurant"),
    }),
    responses: { 201: { description: "Session created" }, 200: { description: "Session re-initialised" } },
    async handle({ params, body, request, services }) {
      const { created, body: result } = await services.conversation!.display.init(bearerToken(request), {
        sessionId: params.id === "new" ? undefined : params.id,
        tenantId: body.tenantId,
        category: body.category,
      });
      return { status: created ? 201 : 200, json: result };
    },
  }),
};
