import { sha256Hex } from "../lib/hmac.ts";
import { define } from "../lib/http/route.ts";
import type { Handlers } from "../lib/web/manifest.ts";

/**
 * The document never changes while the process runs, so it is serialised once (with its ETag):
 * re-serialising ~200 KB per request capped this route at a few hundred requests a second.
 */
const serialised = new WeakMap<object, Promise<{ text: string; etag: string }>>();

function serialise(document: Record<string, unknown>) {
  let cached = serialised.get(document);
  if (!cached) {
    const text = JSON.stringify(document);
    cached = sha256Hex(text).then((hash) => ({ text, etag: `"${hash.slice(0, 32)}"` }));
    serialised.set(document, cached);
  }
  return cached;
}

export const handler: Handlers = {
  GET: define.get({
    summary: "This API's OpenAPI 3.1 document, generated from the route schemas",
    tags: ["operations"],
    responses: {
      200: { description: "The OpenAPI 3.1 document (this documentation, as JSON)." },
      304: { description: "Not modified: the `If-None-Match` ETag is current." },
    },
    handle: async ({ services, request }) => {
      const { text, etag } = await serialise(services.openApi());
      const headers = { "cache-control": "public, max-age=300", etag };
      if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
      return new Response(text, {
        headers: { ...headers, "content-type": "application/json; charset=utf-8" },
      });
    },
  }),
};
