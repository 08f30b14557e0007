/**
 * The errors a route can answer because of how it is declared, for the OpenAPI document: the route
 * layer raises them (auth → rate limit → body → idempotency), so they follow from the spec and need
 * not be repeated in every route. A route documents its own domain errors in `responses`.
 */
import type { RouteSpec } from "./http/route.ts";

// deno-lint-ignore no-explicit-any
type AnySpec = RouteSpec<any, any, any>;

export function impliedErrors(spec: AnySpec, pattern: string): Record<number, string> {
  const kinds = [spec.auth ?? "public"].flat();
  const errors: Record<number, string> = {};
  const hasBody = Boolean(spec.body) || spec.bodyType === "multipart";
  if (hasBody && spec.bodyType !== "multipart" && spec.bodyType !== "form") {
    errors[400] = "The body is not valid JSON (`malformed_json`).";
  }
  if (!kinds.includes("public") && !kinds.includes("optional")) {
    errors[401] = "Missing or invalid credentials (`unauthorized`, with `WWW-Authenticate`).";
  }
  if (spec.scopes?.length) {
    errors[403] = `The credentials lack the scope ${spec.scopes.join(", ")} (\`forbidden\`).`;
  } else if (kinds.includes("admin")) {
    errors[403] = "A signed-in admin console request without its `X-CSRF-Token` (`csrf_token_invalid`).";
  }
  if (pattern.includes(":")) errors[404] = "Nothing with this id, or not yours to see (`not_found`).";
  if (hasBody) {
    const limit = typeof spec.bodyLimit === "number" ? `${spec.bodyLimit} bytes` : "the route's limit";
    errors[413] = `The body is over ${limit} ` +
      "(`body_too_large`), refused before it is read.";
    errors[415] = "The body has another media type (`unsupported_media_type`).";
  }
  if (spec.body || spec.query || spec.params) {
    errors[422] = "A field is missing or invalid (`validation_failed`, every issue in `issues`)" +
      (spec.idempotent ? "; or an Idempotency-Key reused with another body." : ".");
  } else if (spec.idempotent) errors[422] = "An Idempotency-Key reused with another body.";
  if (spec.rateLimit) {
    const rule = spec.rateLimit.rule;
    const limit = rule.algorithm === "fixed_window"
      ? `${rule.limit} per ${Math.round(rule.windowMs / 1000)} s`
      : `a bucket of ${rule.capacity}, ${rule.refillPerMinute}/min`;
    errors[429] = `Rate limited (${limit} per ${spec.rateLimit.by === "ip" ? "client address" : "caller"}; ` +
      "`Retry-After`, `RateLimit-*`).";
  }
  return errors;
}
