/**
 * Request paths are taken as sent. URL parsing resolves dot segments (`a/../b`, `a/%2e%2e/b`)
 * before a route sees them, so a key-like path (a blob key, a file name) could silently name
 * something other than what the caller wrote; and a path that is not valid percent-encoding cannot
 * name anything. Both are refused up front with a 400 problem; browsers never send either.
 */
import type { MiddlewareHandler } from "hono";
import { KilnError } from "../errors.ts";
import type { AppEnv } from "./env.ts";
import { problemResponse } from "./problem.ts";

/** Why a raw request target's path is refused, or undefined when it is fine. */
export function pathProblem(rawUrl: string): KilnError | undefined {
  const afterScheme = rawUrl.indexOf("//");
  const pathStart = rawUrl.indexOf("/", afterScheme < 0 ? 0 : afterScheme + 2);
  const path = pathStart < 0 ? "/" : rawUrl.slice(pathStart).split(/[?#]/)[0];
  if (/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(path)) {
    return new KilnError("malformed", "invalid_path", "Paths may not contain '.' or '..' segments.");
  }
  try {
    decodeURIComponent(path);
  } catch {
    return new KilnError("malformed", "invalid_path", "The path is not valid percent-encoding.");
  }
  return undefined;
}

export function pathGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const problem = pathProblem(c.req.raw.url);
    if (problem) return problemResponse(problem, c.get("requestId"));
    await next();
  };
}
