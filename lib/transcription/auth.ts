/**
 * `X-Engine-Auth: <TTT_SHARED_SECRET>`: how the business engine proves it may use the service.
 * Compared in constant time; a missing or wrong header is the seed's 401.
 */
import type { AuthResolver } from "../http/auth.ts";
import { secretsEqual } from "../http/auth.ts";
import { KilnError } from "../errors.ts";

export const engineAuthKind = "tttranscribe-engine";

export function engineAuthResolver(sharedSecret: string): AuthResolver {
  return async (request) => {
    const presented = request.headers.get("x-engine-auth");
    if (!presented || !(await secretsEqual(presented, sharedSecret))) {
      throw new KilnError("unauthorized", "unauthorized", "Missing or invalid X-Engine-Auth header", {
        headers: { "www-authenticate": 'X-Engine-Auth realm="tttranscribe"' },
      });
    }
    return { kind: engineAuthKind, id: "engine", scopes: ["ttt:service"] };
  };
}
