import { KilnError } from "../../lib/errors.ts";
import { define } from "../../lib/http/route.ts";
import { transcriptionOf } from "../../lib/transcription/require.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

/**
 * `GET /tttranscribe/` (with the slash, as the seed's clients call it): the router matches paths
 * exactly, so this catch-all serves the info document for the bare slash and 404s for the rest.
 */
export const handler: Handlers = {
  GET: define.get({
    summary: "Transcription service info (trailing-slash form)",
    tags: ["transcription"],
    responses: {
      200: { description: "`{service, version, apiVersion, platform, baseUrl, asrProvider, endpoints}`." },
    },
    handle({ url, services }) {
      if (url.pathname !== "/tttranscribe/") {
        throw new KilnError("not_found", "not_found", "No resource at this address.");
      }
      return { json: transcriptionOf(services).info() };
    },
  }),
};
