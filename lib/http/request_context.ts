/**
 * First middleware of every request: assigns the request id (a caller's well-formed X-Request-Id is
 * kept so traces join up across services), resolves the client address once (honouring only the
 * configured number of trusted proxies), and writes the access-log line and request metrics after
 * the response, labelled by route pattern rather than raw path so ids never explode cardinality.
 */
import type { MiddlewareHandler } from "hono";
import type { Services } from "../services.ts";
import { clientIp } from "./client_ip.ts";
import type { AppEnv } from "./env.ts";

const acceptableRequestId = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestContext(services: Services): MiddlewareHandler<AppEnv> {
  const { config, log, metrics } = services;
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && acceptableRequestId.test(incoming) ? incoming : crypto.randomUUID();
    const ip = clientIp({
      remoteAddress: c.env?.remoteAddr?.hostname,
      forwardedFor: c.req.header("x-forwarded-for") ?? null,
      trustedProxyHops: config.trustProxyHops,
    });
    c.set("services", services);
    c.set("requestId", requestId);
    c.set("clientIp", ip);
    c.set("log", log.child({ requestId }));
    await next();
    c.res.headers.set("x-request-id", requestId);
    const seconds = (performance.now() - started) / 1000;
    const route = c.req.routePath && c.req.routePath !== "/*" ? c.req.routePath : "unmatched";
    metrics.observeRequest(c.req.method, route, c.res.status, seconds);
    if (config.accessLog) {
      log.info("http_request", {
        requestId,
        method: c.req.method,
        route,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round(seconds * 100_000) / 100,
        ip,
      });
    }
  };
}
