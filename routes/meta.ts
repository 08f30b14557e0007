import { define } from "../lib/http/route.ts";
import { engineModule, MetaQuery } from "../lib/engine/mod.ts";
import type { Handlers } from "../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "TikTok video metadata (cached 1–6 h)",
    description: "422 `not_tiktok_url` for any other URL.",
    tags: ["engine"],
    query: MetaQuery,
    responses: {
      200: { description: "`{videoId, author, title?, thumbnailUrl?, …, cached, cacheExpiresAt}`." },
      422: { description: "Not a TikTok video or short link (`not_tiktok_url`)." },
    },
    async handle({ query, services }) {
      const found = await services.module(engineModule).lookupMetadata(query.url);
      return { json: { ok: true, ...found.metadata, cached: found.cached, cacheExpiresAt: found.expiresAt } };
    },
  }),
};
