import type { Handlers } from "../../../lib/web/manifest.ts";
import { updateRoute } from "../../conversation/[id]/update.ts";

/** Stonepot's DisplayApiClient path: its base URL becomes Kiln's, its token the service token. */
export const handler: Handlers = {
  POST: updateRoute("Stonepot's path of POST /conversation/:id/update"),
};
