/**
 * Security headers on every response, and a Content-Security-Policy on HTML: pages get a
 * per-request nonce (set by the page renderer, the only place inline scripts and styles are
 * written), so injected markup can neither execute script nor load code from elsewhere. The nonce
 * is made only for pages, keeping the JSON hot path free of the extra randomness.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./env.ts";

/** The CSP for an HTML page; without a nonce no inline script or style runs at all. */
export function contentSecurityPolicy(nonce?: string): string {
  const inline = nonce ? ` 'nonce-${nonce}'` : "";
  return [
    "default-src 'self'",
    `script-src 'self'${inline}`,
    `style-src 'self'${inline}`,
    // Producers' images (dish photos, logos) live on their CDNs; an image cannot run code.
    "img-src 'self' data: https: http:",
    // Remote media (a transcribed link played back in the studio) is no more than img-src allows.
    "media-src 'self' blob: https:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** 128 random bits for a CSP nonce. */
export function createNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const headers = c.res.headers;
    headers.set("x-content-type-options", "nosniff");
    headers.set("referrer-policy", "strict-origin-when-cross-origin");
    headers.set("x-frame-options", "DENY");
    headers.set("cross-origin-opener-policy", "same-origin");
    // A page that needs a device (the voice ordering page's microphone) sets its own policy.
    if (!headers.has("permissions-policy")) {
      headers.set("permissions-policy", "camera=(), microphone=(), geolocation=()");
    }
    if (
      !headers.has("content-security-policy") && (headers.get("content-type") ?? "").startsWith("text/html")
    ) {
      headers.set("content-security-policy", contentSecurityPolicy());
    }
  };
}
