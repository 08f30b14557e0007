import { define } from "../../../../lib/http/route.ts";
import { conversationModule, listSessions } from "../../../../lib/conversation/mod.ts";
import { PageQuery } from "../../../../lib/store/page.ts";
import type { Handlers } from "../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Live conversation sessions with their display links, in id order (admin)",
    description: "Each `displayUrl` carries the session's read token: treat it like a password.",
    tags: ["conversation"],
    auth: "admin",
    query: PageQuery,
    responses: {
      200: {
        description: "`{items: [{sessionId, tenantId, category, seq, createdAt, updatedAt, expiresAt, " +
          "displayUrl}], nextCursor}`.",
      },
      401: { description: "No admin token or session." },
    },
    async handle({ query, services }) {
      const module = services.module(conversationModule);
      return {
        headers: { "cache-control": "no-store" },
        json: await listSessions(services.kv, module.display, query),
      };
    },
  }),
};
