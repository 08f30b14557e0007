/**
 * What the voice module uses from the restaurant assistant — its service functions, narrowed to
 * the calls voice makes (tools, menu, session, and a display update for the session's screen), so
 * it never reaches into the restaurant's or the display's storage.
 */
import type { Logger } from "../log.ts";
import type { RestaurantService } from "../conversation/mod.ts";

export interface VoiceDependencies {
  restaurant: Pick<RestaurantService, "runTool" | "getMenu" | "getSession" | "display">;
  log: Logger;
}
