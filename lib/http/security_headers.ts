/**
 * Security headers on every response, and a per-request nonce-based Content-Security-Policy on
 * HTML pages: only scripts and style blocks carrying this request's nonce run, so injected markup
 * can neither execute script nor load code from elsewhere.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./env.ts";

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: https:",
    "media-src 'self' blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    c.set("nonce", nonce);
    await next();
    const headers = c.res.headers;
    headers.set("x-content-type-options", "nosniff");
    headers.set("referrer-policy", "strict-origin-when-cross-origin");
    headers.set("x-frame-options", "DENY");
    headers.set("cross-origin-opener-policy", "same-origin");
    headers.set("permissions-policy", "camera=(), microphone=(), geolocation=()");
    if ((headers.get("content-type") ?? "").startsWith("text/html")) {
      headers.set("content-security-policy", contentSecurityPolicy(nonce));
    }
  };
}
