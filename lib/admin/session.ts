/**
 * Browser sessions of the admin console. Signing in with the admin token gives a random 256-bit
 * session cookie (HttpOnly, SameSite=Strict, Secure on https); only its SHA-256 is stored, with a
 * CSRF token that every state-changing request made with the cookie must echo in `X-CSRF-Token`
 * (forms: a hidden `csrf` field). Sessions end after `ttlMs` or on sign-out.
 */
import { parse, serialize } from "hono/utils/cookie";
import { KilnError } from "../errors.ts";
import { type AuthResolver, secretsEqual } from "../http/auth.ts";
import { sha256, toBase64Url } from "../hmac.ts";
import { generateSecret } from "../secrets.ts";
import type { KvStore } from "../store/types.ts";

const adminCookieName = "kiln_admin";
const csrfHeader = "x-csrf-token";
const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

interface SessionRecord {
  csrf: string;
  createdAt: number;
  expiresAt: number;
}

export interface AdminSession {
  csrf: string;
  expiresAt: number;
}

export interface AdminSessions {
  /** Checks the admin token; on success a new session and its Set-Cookie header value. */
  signIn(token: string): Promise<{ session: AdminSession; setCookie: string } | null>;
  /** The session the request's cookie names (expired or unknown: null). */
  read(request: Request): Promise<AdminSession | null>;
  /** Ends the request's session; returns the Set-Cookie value that clears the cookie. */
  signOut(request: Request): Promise<string>;
  /** Auth resolver for the "admin" kind: a signed-in browser, CSRF-checked on unsafe methods. */
  resolver: AuthResolver;
}

const sessionKey = async (cookie: string): Promise<Deno.KvKey> => [
  "admin",
  "sessions",
  toBase64Url(await sha256(cookie)),
];

export function createAdminSessions(
  options: { kv: KvStore; adminToken: string; ttlMs: number; secure: boolean; now?: () => number },
): AdminSessions {
  const { kv, adminToken, ttlMs, secure } = options;
  const now = options.now ?? Date.now;
  const cookieOf = (request: Request) =>
    parse(request.headers.get("cookie") ?? "", adminCookieName)[adminCookieName];
  const cookie = (value: string, maxAgeSeconds: number) =>
    serialize(adminCookieName, value, {
      path: "/",
      httpOnly: true,
      sameSite: "Strict",
      secure,
      maxAge: maxAgeSeconds,
    });

  const read = async (request: Request): Promise<AdminSession | null> => {
    const value = cookieOf(request);
    if (!value || value.length > 100) return null;
    const entry = await kv.get<SessionRecord>(await sessionKey(value));
    if (!entry.value || entry.value.expiresAt <= now()) return null;
    return { csrf: entry.value.csrf, expiresAt: entry.value.expiresAt };
  };

  return {
    async signIn(token) {
      if (!(await secretsEqual(token, adminToken))) return null;
      const value = generateSecret();
      const record: SessionRecord = { csrf: generateSecret(), createdAt: now(), expiresAt: now() + ttlMs };
      await kv.set(await sessionKey(value), record, { expireIn: ttlMs });
      return {
        session: { csrf: record.csrf, expiresAt: record.expiresAt },
        setCookie: cookie(value, Math.floor(ttlMs / 1000)),
      };
    },
    read,
    async signOut(request) {
      const value = cookieOf(request);
      if (value && value.length <= 100) await kv.delete(await sessionKey(value));
      return cookie("", 0);
    },
    async resolver(request) {
      const session = await read(request);
      if (!session) return null;
      if (!safeMethods.has(request.method)) {
        const presented = request.headers.get(csrfHeader) ?? "";
        if (!(await secretsEqual(presented, session.csrf))) {
          throw new KilnError(
            "forbidden",
            "csrf_token_invalid",
            `Signed-in requests that change state must send the session's ${csrfHeader} header.`,
          );
        }
      }
      return { kind: "admin", id: "admin" };
    },
  };
}
