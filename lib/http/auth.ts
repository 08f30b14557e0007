/**
 * Who is calling. Each auth kind ("admin", and whatever modules add: "user", "service") is a
 * resolver from a request to a Principal; routes name the kinds they accept and the route layer
 * asks the resolvers in order. Secrets are always compared in constant time.
 */
import { KilnError } from "../errors.ts";
import { sha256 } from "../hmac.ts";

export interface Principal {
  /** The auth kind that recognised the caller, e.g. "admin" or "user". */
  kind: string;
  /** Stable id of the caller within its kind (user id, "admin"). */
  id: string;
  scopes?: string[];
}

/** Returns the principal, or null when the request carries no credentials of this kind. Throws KilnError("unauthorized") for wrong ones. */
export type AuthResolver = (request: Request) => Promise<Principal | null>;

export type AuthResolvers = Record<string, AuthResolver>;

/** The token from `Authorization: Bearer …`, if any. */
export function bearerToken(request: Request): string | undefined {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Constant-time string comparison: both sides are hashed first so neither the content nor the
 * length of the secret leaks through timing.
 */
export async function secretsEqual(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(presented), sha256(expected)]);
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a[index] ^ b[index];
  return difference === 0;
}

/** A static-secret resolver (admin keys, service tokens): Bearer or the given header. */
export function staticTokenResolver(
  kind: string,
  secret: string,
  options: { header?: string; scopes?: string[] } = {},
): AuthResolver {
  return async (request) => {
    const presented = bearerToken(request) ??
      (options.header ? request.headers.get(options.header) ?? undefined : undefined);
    if (!presented) return null;
    if (!(await secretsEqual(presented, secret))) return null;
    return { kind, id: kind, scopes: options.scopes };
  };
}

/** Tries each resolver in order and returns the first principal (e.g. the admin token, then a session). */
export function firstOf(...resolvers: AuthResolver[]): AuthResolver {
  return async (request) => {
    for (const resolve of resolvers) {
      const principal = await resolve(request);
      if (principal) return principal;
    }
    return null;
  };
}

export function unauthorized(message = "Missing or invalid credentials.", realm = "kiln"): KilnError {
  return new KilnError("unauthorized", "unauthorized", message, {
    headers: { "www-authenticate": `Bearer realm="${realm}"` },
  });
}

export function forbidden(message = "These credentials do not allow this action."): KilnError {
  return new KilnError("forbidden", "forbidden", message);
}
