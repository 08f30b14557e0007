/** Who may read a batch: admins, the ingest service, or a holder of the batch's view token. */
import { KilnError } from "../errors.ts";
import type { Principal } from "../http/auth.ts";
import { unauthorized } from "../http/auth.ts";
import type { Services } from "../services.ts";
import type { PreprocessModule } from "./setup.ts";

export const readerAuth = ["admin", "preprocess-service", "optional"];
export const writerAuth = ["admin", "preprocess-service"];

export function preprocessOf(services: Services): PreprocessModule {
  if (!services.preprocess) {
    throw new KilnError("unavailable", "preprocess_unavailable", "Preprocessing is off.");
  }
  return services.preprocess;
}

export async function authorizeBatchRead(
  services: Services,
  batchId: string,
  principal: Principal | undefined,
  token: string | undefined,
): Promise<PreprocessModule> {
  const preprocess = preprocessOf(services);
  if (principal) return preprocess;
  if (await preprocess.canView(batchId, token)) return preprocess;
  throw unauthorized("An admin or service token, or the batch's view token (?token=), is required.");
}
