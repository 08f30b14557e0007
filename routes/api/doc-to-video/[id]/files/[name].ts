import { FileParams } from "../../../../../lib/doc_to_video/service.ts";
import { docToVideoService } from "../../../../../lib/doc_to_video/route_support.ts";
import { fileResponse } from "../../../../../lib/doc_to_video/file_response.ts";
import { define } from "../../../../../lib/http/route.ts";
import type { Handlers } from "../../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Download a job's video.mp4, captions.vtt or script.txt (supports Range for players)",
    tags: ["doc-to-video"],
    params: FileParams,
    async handle({ params, services, request }) {
      const stored = await docToVideoService(services).file(params.id, params.name);
      return await fileResponse(stored, request.headers.get("range"), params.name);
    },
  }),
};
