import { z } from "zod";
import { docToVideoModule, JobParams, maxSections } from "../../../../../lib/doc_to_video/mod.ts";
import { define } from "../../../../../lib/http/route.ts";
import type { Handlers } from "../../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Propose a new version of one section of a script awaiting review (not saved)",
    description:
      "Uses the LLM when OPENROUTER_API_KEY is set, otherwise other sentences from the section's " +
      "pages. Put the proposal into the sections you confirm with PUT …/script.",
    tags: ["doc-to-video"],
    params: JobParams,
    body: z.object({ index: z.number().int().min(0).max(maxSections - 1) }),
    rateLimit: {
      rule: {
        name: "doc_to_video_regenerate",
        algorithm: "fixed_window",
        limit: 20,
        windowMs: 10 * 60 * 1000,
      },
      by: "ip",
    },
    responses: {
      200: {
        description: "`{section: {…, words, estimated_seconds}, writer}`: a proposal, nothing is saved.",
      },
      404: { description: "No such job, or no section with this index (`section_not_found`)." },
      502: { description: "The LLM script writer failed (`llm_failed`)." },
    },
    async handle({ params, body, services, log }) {
      return { json: await services.module(docToVideoModule).regenerateSection(params.id, body.index, log) };
    },
  }),
};
