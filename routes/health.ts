import { define } from "../lib/http/route.ts";
import type { Handlers } from "../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Liveness, version, configuration booleans and dependency state",
    description:
      "503 when a required dependency (KV, job engine) is down; `degraded` when an optional tool is missing.",
    tags: ["operations"],
    responses: {
      200: {
        description: "`{status: ok|degraded, version, uptimeSeconds, config, checks: {kv, jobs, live, …}}`.",
      },
      503: { description: "The same document with `status: down`: KV or the job engine is not working." },
    },
    async handle({ services }) {
      const { state, checks } = await services.health.run();
      const { config } = services;
      return {
        status: state === "down" ? 503 : 200,
        headers: { "cache-control": "no-store" },
        json: {
          status: state,
          version: config.version,
          uptimeSeconds: Math.round((Date.now() - services.startedAt) / 1000),
          config: {
            backend: config.backend,
            kvInMemory: config.backend === "kv" && config.kvPath === ":memory:",
            publicUrl: config.publicUrl,
            adminTokenConfigured: Boolean(config.adminToken),
            corsOrigins: config.corsOrigins.length,
            trustProxyHops: config.trustProxyHops,
          },
          checks,
        },
      };
    },
  }),
};
