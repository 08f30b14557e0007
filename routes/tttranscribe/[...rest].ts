import { KilnError } from "../../lib/errors.ts";
import { httpErrors } from "../../lib/http/problem.ts";
import { define } from "../../lib/http/route.ts";
import { transcriptionModule } from "../../lib/transcription/mod.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

/**
 * `GET /tttranscribe/` (with the slash, as the seed's clients call it): the router matches paths
 * exactly, so this catch-all serves the info document for the bare slash and 404s for the rest —
 * a POST to a path the service does not have is a 404 too, not a 405.
 */
const notHere = () => new KilnError("not_found", "not_found", "No resource at this address.");

export const handler: Handlers = {
  GET: define.get({
    summary: "Transcription service info (trailing-slash form)",
    tags: ["transcription"],
    responses: {
      200: { description: "`{service, version, apiVersion, platform, baseUrl, asrProvider, endpoints}`." },
    },
    handle({ url, services }) {
      if (url.pathname !== "/tttranscribe/") throw notHere();
      return { json: services.module(transcriptionModule).info() };
    },
  }),
  POST: define.post({
    summary: "Unknown transcription-service paths (404)",
    tags: ["transcription"],
    responses: {
      404: { description: "Nothing here (`not_found`)." },
      405: { description: "`POST /tttranscribe/`: the service info is GET only." },
    },
    handle({ url }) {
      throw url.pathname === "/tttranscribe/" ? httpErrors.methodNotAllowed(["GET"]) : notHere();
    },
  }),
};
