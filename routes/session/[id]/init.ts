import type { Handlers } from "../../../lib/web/manifest.ts";
import { initRoute } from "../../conversation/[id]/init.ts";

/** Stonepot's DisplayApiClient path: its base URL becomes Kiln's, its token the service token. */
export const handler: Handlers = {
  POST: initRoute("Stonepot's path of POST /conversation/:id/init"),
};
