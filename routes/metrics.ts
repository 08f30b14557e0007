import { define } from "../lib/http/route.ts";
import type { Handlers } from "../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Prometheus metrics (text exposition format)",
    tags: ["operations"],
    responses: {
      200: { description: "Prometheus text exposition (`text/plain; version=0.0.4`)." },
    },
    async handle({ services }) {
      return new Response(await services.metrics.render(), {
        headers: { "content-type": services.metrics.contentType },
      });
    },
  }),
};
