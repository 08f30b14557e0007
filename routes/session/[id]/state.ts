import { bearerToken } from "../../../lib/http/auth.ts";
import { define } from "../../../lib/http/route.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";
import {
  conversationModule,
  SessionIdParams,
  StateQuery,
  stonepotState,
  updateDocs,
} from "../../../lib/conversation/mod.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "The session state in Stonepot's shape (DisplayApiClient.getSessionState)",
    description: "`{sessionId, tenantId, currentOrder, transcriptions, displayUpdates, startedAt}` with " +
      "money in major units; same tokens and implicit creation as GET /conversation/:id/state.",
    tags: ["conversation"],
    params: SessionIdParams,
    query: StateQuery,
    openapi: { errors: updateDocs.readErrors },
    async handle({ params, query, request, services }) {
      const { display } = services.module(conversationModule);
      await display.authorizeRead(params.id, bearerToken(request) ?? query.token, {
        tenantId: query.tenant,
        category: query.category,
      });
      const state = await display.store.state(params.id);
      return { json: stonepotState(state), headers: { "cache-control": "no-store" } };
    },
  }),
};
