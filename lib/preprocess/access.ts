/** Who may read a batch: admins, the ingest service, or a holder of the batch's view token. */
import type { Principal } from "../http/auth.ts";
import { unauthorized } from "../http/auth.ts";
import type { PreprocessService } from "./service.ts";

export const readerAuth = ["admin", "preprocess-service", "optional"];
export const writerAuth = ["admin", "preprocess-service"];

/** Passes for an authenticated principal or the batch's view token; a 401 otherwise. */
export async function authorizeBatchRead(
  preprocess: Pick<PreprocessService, "canView">,
  batchId: string,
  principal: Principal | undefined,
  token: string | undefined,
): Promise<void> {
  if (principal) return;
  if (await preprocess.canView(batchId, token)) return;
  throw unauthorized("An admin or service token, or the batch's view token (?token=), is required.");
}
