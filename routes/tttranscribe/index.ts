import { define } from "../../lib/http/route.ts";
import { transcriptionModule } from "../../lib/transcription/mod.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Transcription service: name, version and endpoints",
    tags: ["transcription"],
    responses: {
      200: { description: "`{service, version, apiVersion, platform, baseUrl, asrProvider, endpoints}`." },
    },
    handle({ services }) {
      return { json: services.module(transcriptionModule).info() };
    },
  }),
};
