/** The per-request variables every Kiln middleware and route can rely on. */
import type { Logger } from "../log.ts";
import type { Services } from "../services.ts";

/** Renders the route's page for this request; set by the router on page routes. */
export type PageRenderer = (
  data?: unknown,
  init?: { status?: number; headers?: Record<string, string> },
) => Response;

export interface AppVariables {
  services: Services;
  requestId: string;
  clientIp: string;
  log: Logger;
  /** On page routes: renders the route's page with the given data. */
  render?: PageRenderer;
}

export interface AppEnv {
  Variables: AppVariables;
  /** Deno.serve's connection info, passed as Hono's env by main.ts. */
  Bindings: { remoteAddr?: { hostname?: string } } | undefined;
}
