import { define } from "../../../lib/http/route.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";
import {
  conversationModule,
  SessionIdParams,
  StateQuery,
  updateDocs,
} from "../../../lib/conversation/mod.ts";
import { bearerToken } from "../../../lib/http/auth.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Current state: last 100 transcripts and last 50 updates, with the session's seq",
    description: "Display token (`?token=` or Bearer), write token or service token. With the service " +
      "token a session nobody initialised is created (for `?tenant=` or DISPLAY_DEFAULT_TENANT).",
    tags: ["conversation"],
    params: SessionIdParams,
    query: StateQuery,
    openapi: { errors: updateDocs.readErrors },
    responses: { 200: { description: "The session state", schema: updateDocs.state } },
    async handle({ params, query, request, services }) {
      const { display } = services.module(conversationModule);
      await display.authorizeRead(params.id, bearerToken(request) ?? query.token, {
        tenantId: query.tenant,
        category: query.category,
      });
      return { json: await display.store.state(params.id), headers: { "cache-control": "no-store" } };
    },
  }),
};
