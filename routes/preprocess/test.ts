import { submitBatch } from "./batches.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

/** The seed's `POST /test` local alias of the queue consumer. */
export const handler: Handlers = { POST: submitBatch };
