import { define } from "../../../lib/http/route.ts";
import { toolCatalog } from "../../../lib/conversation/mod.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "The voice tools with JSON Schema parameters, to configure a voice model",
    tags: ["conversation"],
    handle: () => ({ json: { tools: toolCatalog() } }),
  }),
};
