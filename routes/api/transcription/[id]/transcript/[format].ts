import { z } from "zod";
import { KilnError } from "../../../../../lib/errors.ts";
import { define } from "../../../../../lib/http/route.ts";
import {
  formatTranscript,
  StudioId,
  transcriptionModule,
  transcriptTypes,
} from "../../../../../lib/transcription/mod.ts";
import type { Handlers } from "../../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Download a studio transcript as plain text, SubRip subtitles or WebVTT captions",
    description: "Cues follow the recogniser's segment times; a result without timings is one cue.",
    tags: ["transcription"],
    params: z.object({ id: StudioId, format: z.enum(["txt", "srt", "vtt"]) }),
    responses: {
      200: { description: "`transcript.txt`, `.srt` or `.vtt` (as an attachment)." },
      404: { description: "No studio transcription with this id." },
      409: { description: "Not finished yet (`transcription_not_ready`)." },
    },
    async handle({ params, services }) {
      const status = await services.module(transcriptionModule).studio.status(params.id);
      if (!status.result) {
        throw new KilnError("conflict", "transcription_not_ready", `The transcription is ${status.status}.`);
      }
      return new Response(formatTranscript(status.result, params.format), {
        headers: {
          "content-type": transcriptTypes[params.format],
          "content-disposition": `attachment; filename="transcript-${params.id}.${params.format}"`,
          "cache-control": "no-store",
        },
      });
    },
  }),
};
