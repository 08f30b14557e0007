/**
 * What the voice module uses from the restaurant assistant and the conversation display — their
 * service functions, narrowed to the calls voice makes, so it never reaches into their storage.
 */
import type { Logger } from "../log.ts";
import type { RestaurantService } from "../restaurant/service.ts";

export interface VoiceDeps {
  restaurant: Pick<RestaurantService, "runTool" | "getMenu" | "getSession">;
  display: {
    /** Validates one display update like any producer's and appends it to the session. */
    append(sessionId: string, update: { type: string; data: Record<string, unknown> }): Promise<void>;
  };
  log: Logger;
}
