import { define } from "../../lib/http/route.ts";
import { engineModule, servicesHealth } from "../../lib/engine/mod.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Upstream services: transcription probe, circuit breaker state and transitions, traffic",
    tags: ["operations"],
    responses: {
      200: {
        description:
          "`{status, services: {tttranscribe: {baseUrl, probe, circuitBreaker, traffic}, metadata}}`.",
      },
    },
    async handle({ services }) {
      return {
        headers: { "cache-control": "no-store" },
        json: await servicesHealth(services.module(engineModule)),
      };
    },
  }),
};
