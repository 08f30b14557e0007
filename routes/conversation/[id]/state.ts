import { define } from "../../../lib/http/route.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";
import { SessionIdParams, TokenQuery } from "../../../lib/conversation/http_schemas.ts";
import { bearerToken } from "../../../lib/http/auth.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Current state: last 100 transcripts and last 50 updates, with the session's seq",
    description: "Display token (`?token=` or Bearer), write token or service token.",
    tags: ["conversation"],
    params: SessionIdParams,
    query: TokenQuery,
    async handle({ params, query, request, services }) {
      const { display } = services.conversation!;
      await display.authorizeRead(params.id, bearerToken(request) ?? query.token);
      return { json: await display.store.state(params.id), headers: { "cache-control": "no-store" } };
    },
  }),
};
