import { define } from "../lib/http/route.ts";
import type { Handlers } from "../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "This API's OpenAPI 3.1 document, generated from the route schemas",
    tags: ["operations"],
    responses: {
      200: { description: "The OpenAPI 3.1 document (this documentation, as JSON)." },
    },
    handle: ({ services }) => ({
      json: services.openApi(),
      headers: { "cache-control": "public, max-age=300" },
    }),
  }),
};
