/**
 * User JWTs and vended service tokens, both HS256 with ENGINE_JWT_SECRET via jose. Verification
 * pins the algorithm (no `none`, no RS/HS confusion) and requires `exp`. The two kinds are told
 * apart by the `token_use` claim so a service token can never act as a user login and vice versa.
 */
import { errors, jwtVerify, SignJWT } from "jose";
import { KilnError } from "../errors.ts";
import { randomId } from "../ids.ts";

export const serviceScope = "ttt:transcribe";
export const serviceTokenSeconds = 900;
const issuer = "kiln-engine";
const algorithms = ["HS256"];

export interface UserClaims {
  userId: string;
  expiresAt: number;
}

export interface ServiceClaims {
  userId: string;
  tokenId: string;
  scope: string;
  expiresAt: number;
}

export interface TokenAuthority {
  signUser(userId: string, ttlSeconds: number): Promise<{ token: string; expiresAt: number }>;
  signService(
    userId: string,
    tokenId?: string,
  ): Promise<{ token: string; tokenId: string; expiresAt: number }>;
  /** Throws KilnError("unauthorized") with the reason; returns null for a service token. */
  verifyUser(token: string): Promise<UserClaims | null>;
  /** Throws KilnError("unauthorized"); returns null for a token that is not a service token. */
  verifyService(token: string): Promise<ServiceClaims | null>;
}

export function assertJwtSecret(secret: string): void {
  if (new TextEncoder().encode(secret).length < 32) {
    throw new Error("Invalid configuration: ENGINE_JWT_SECRET must be at least 32 bytes");
  }
}

export function createTokenAuthority(secret: string): TokenAuthority {
  assertJwtSecret(secret);
  const key = new TextEncoder().encode(secret);

  const verify = async (token: string) => {
    try {
      const { payload } = await jwtVerify(token, key, { algorithms, requiredClaims: ["exp", "sub"] });
      return payload;
    } catch (error) {
      const reason = error instanceof errors.JWTExpired
        ? "The token has expired."
        : "The token is not valid.";
      throw invalidToken(reason);
    }
  };

  return {
    async signUser(userId, ttlSeconds) {
      const expiresAt = Math.floor(Date.now() / 1000) + ttlSeconds;
      const token = await new SignJWT({ token_use: "user" })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(userId)
        .setIssuer(issuer)
        .setIssuedAt()
        .setExpirationTime(expiresAt)
        .sign(key);
      return { token, expiresAt };
    },
    async signService(userId, tokenId = randomId()) {
      const expiresAt = Math.floor(Date.now() / 1000) + serviceTokenSeconds;
      const token = await new SignJWT({ token_use: "service", scope: serviceScope })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(userId)
        .setIssuer(issuer)
        .setJti(tokenId)
        .setIssuedAt()
        .setExpirationTime(expiresAt)
        .sign(key);
      return { token, tokenId, expiresAt };
    },
    async verifyUser(token) {
      const payload = await verify(token);
      if (payload.token_use === "service") return null;
      return { userId: payload.sub!, expiresAt: payload.exp! };
    },
    async verifyService(token) {
      const payload = await verify(token);
      if (payload.token_use !== "service" || payload.iss !== issuer || typeof payload.jti !== "string") {
        return null;
      }
      return {
        userId: payload.sub!,
        tokenId: payload.jti,
        scope: String(payload.scope ?? ""),
        expiresAt: payload.exp!,
      };
    },
  };
}

export function invalidToken(description: string): KilnError {
  return new KilnError("unauthorized", "invalid_token", description, {
    headers: {
      "www-authenticate": `Bearer realm="engine", error="invalid_token", error_description="${description}"`,
    },
  });
}

/** Three base64url parts: worth verifying as a JWT (other bearer secrets are left to other kinds). */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);
}
