import { define } from "../../../../../lib/http/route.ts";
import {
  AnyUpdateBody,
  conversationModule,
  SessionParams,
  updateDocs,
} from "../../../../../lib/conversation/mod.ts";
import type { Handlers } from "../../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Show one display update on a restaurant session's screen (Stonepot's display route)",
    description: "The same `{type, data}` body and normaliser as `POST /conversation/:id/update`.",
    tags: ["conversation"],
    auth: "display-service",
    params: SessionParams,
    body: AnyUpdateBody,
    bodyLimit: 16_384,
    idempotent: true,
    openapi: { body: updateDocs.input, errors: { 404: "`session_not_found`", ...updateDocs.writeErrors } },
    responses: { 201: { description: "Stored and broadcast", schema: updateDocs.written } },
    async handle({ params, body, services }) {
      const update = await services.module(conversationModule).restaurant.display(params.id, body);
      return { status: 201, json: { success: true, seq: update.seq, update } };
    },
  }),
};
