import { define } from "../../lib/http/route.ts";
import { preprocessModule } from "../../lib/preprocess/mod.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Liveness in the seed's shape: {status, service, timestamp}",
    description: "What Arke's orchestrator answered on GET /health; Kiln's own detail is on GET /health.",
    tags: ["preprocess"],
    responses: {
      200: { description: '`{status: "ok", service: "arke-preprocessing-orchestrator", timestamp}`.' },
    },
    openapi: { errors: { 503: "`module_unavailable`: the module is not registered." } },
    handle({ services }) {
      services.module(preprocessModule);
      return {
        json: {
          status: "ok",
          service: "arke-preprocessing-orchestrator",
          timestamp: new Date().toISOString(),
        },
        headers: { "cache-control": "no-store" },
      };
    },
  }),
};
