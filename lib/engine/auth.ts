/**
 * The engine's auth kinds for `services.auth`: "user" (user JWT), "service" (vended token, scope
 * ttt:transcribe) and "engine-admin" (ENGINE_ADMIN_KEY as X-API-Key or Bearer, constant time).
 */
import { type AuthResolver, bearerToken, type Principal, staticTokenResolver } from "../http/auth.ts";
import { looksLikeJwt, type TokenAuthority } from "./tokens.ts";

/** A service principal also carries the vended token's id (single use for transcribe). */
export interface ServicePrincipal extends Principal {
  kind: "service";
  tokenId: string;
}

export function userResolver(tokens: TokenAuthority): AuthResolver {
  return async (request) => {
    const token = bearerToken(request);
    if (!token || !looksLikeJwt(token)) return null;
    const claims = await tokens.verifyUser(token);
    return claims ? { kind: "user", id: claims.userId } : null;
  };
}

export function serviceResolver(tokens: TokenAuthority): AuthResolver {
  return async (request) => {
    const token = bearerToken(request);
    if (!token || !looksLikeJwt(token)) return null;
    const claims = await tokens.verifyService(token);
    if (!claims) return null;
    const principal: ServicePrincipal = {
      kind: "service",
      id: claims.userId,
      scopes: [claims.scope],
      tokenId: claims.tokenId,
    };
    return principal;
  };
}

export function engineAdminResolver(adminKey: string): AuthResolver {
  return staticTokenResolver("engine-admin", adminKey, { header: "x-api-key" });
}

/** The user id behind a user or service principal (routes only call this after auth). */
export function principalUserId(principal: Principal | undefined): string {
  if (!principal) throw new Error("principalUserId called on a public route");
  return principal.id;
}
