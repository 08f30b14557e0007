import { bearerToken } from "../../../lib/http/auth.ts";
import { define } from "../../../lib/http/route.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";
import {
  AnyUpdateBody,
  conversationModule,
  hintsOf,
  SessionIdParams,
  updateDocs,
} from "../../../lib/conversation/mod.ts";

/** `POST …/:id/update`, shared with Stonepot's path `/session/:id/update`. */
export function updateRoute(summary: string) {
  return define.post({
    summary,
    description: "Service token (creates the session if nobody initialised it, for `tenantId` beside " +
      "`data` or DISPLAY_DEFAULT_TENANT) or the session's write token. The body is one of the 15 " +
      "update types; producer aliases are accepted and unknown fields kept under `data.extra`.",
    tags: ["conversation"],
    params: SessionIdParams,
    idempotent: true,
    body: AnyUpdateBody,
    bodyLimit: 16_384,
    openapi: { body: updateDocs.input, errors: updateDocs.writeErrors },
    responses: { 201: { description: "Stored and broadcast", schema: updateDocs.written } },
    async handle({ params, body, request, services }) {
      const [update] = await services.module(conversationModule).display.write(
        params.id,
        bearerToken(request),
        [body],
        hintsOf(body),
      );
      return { status: 201, json: { success: true, seq: update.seq, update } };
    },
  });
}

export const handler: Handlers = {
  POST: updateRoute("Post one display update (envelope {type, data} or legacy flat shape)"),
};
