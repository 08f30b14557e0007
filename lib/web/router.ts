/**
 * Registers the generated manifest on Hono: every route file's method handlers, its page (served
 * on GET), a 405 with `Allow` for the other methods, and the `_app`/`_layout` shell around pages.
 */
import type { Context, Hono } from "hono";
import type { ComponentType } from "preact";
import type { AppEnv, PageRenderer } from "../http/env.ts";
import { httpErrors, problemResponse } from "../http/problem.ts";
import { contentSecurityPolicy, createNonce } from "../http/security_headers.ts";
import type { MethodHandler } from "../http/route.ts";
import type { AssetManifest } from "./assets.ts";
import { registerIsland } from "./islands.ts";
import type { AppModule, LayoutModule, Manifest, PageProps, RouteModule } from "./manifest.ts";
import { compareRoutePatterns, islandName, routePattern } from "./manifest.ts";
import { type PageShell, renderPage } from "./render.ts";

const methods = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

export function registerManifest(
  app: Hono<AppEnv>,
  manifest: Manifest,
  assets: AssetManifest | null,
): PageShell {
  for (const [file, module] of Object.entries(manifest.islands)) {
    registerIsland(islandName(file), module.default);
  }
  const appModule = manifest.routes["./routes/_app.tsx"] as AppModule | undefined;
  if (!appModule) throw new Error("routes/_app.tsx is required: it renders the <html> shell of every page");
  const shell: PageShell = { app: appModule.default, layouts: [], assets };
  const layout = manifest.routes["./routes/_layout.tsx"] as LayoutModule | undefined;
  if (layout) shell.layouts.push(layout.default);

  const routes = Object.entries(manifest.routes)
    .map(([file, module]) => ({ pattern: routePattern(file), module: module as RouteModule }))
    .filter((route): route is { pattern: string; module: RouteModule } => route.pattern !== null)
    .sort((a, b) => compareRoutePatterns(a.pattern, b.pattern));

  for (const { pattern, module } of routes) {
    const page = module.default;
    const allowed: string[] = [];
    for (const method of methods) {
      const handler: MethodHandler | undefined = module.handler?.[method];
      if (!handler && !(method === "GET" && page)) continue;
      allowed.push(method);
      app.on(method, pattern, (c) => {
        if (page) c.set("render", pageRenderer(c, shell, page, module));
        return handler ? handler(c) : c.get("render")!();
      });
    }
    if (allowed.includes("GET")) allowed.push("HEAD");
    // Built once: constructing an Error captures a stack, which is most of a 405's cost.
    const methodNotAllowed = httpErrors.methodNotAllowed(allowed);
    app.all(pattern, (c) => problemResponse(methodNotAllowed, c.get("requestId")));
  }

  const notFoundPage = (manifest.routes["./routes/_404.tsx"] as RouteModule | undefined)?.default;
  const notFound = httpErrors.notFound();
  app.notFound((c) => {
    if (notFoundPage && (c.req.header("accept") ?? "").includes("text/html")) {
      return pageRenderer(c, shell, notFoundPage, { title: "Not found" })(undefined, { status: 404 });
    }
    return problemResponse(notFound, c.get("requestId"));
  });
  return shell;
}

function pageRenderer(
  c: Context<AppEnv>,
  shell: PageShell,
  page: ComponentType<PageProps<unknown>>,
  module: RouteModule,
): PageRenderer {
  return (data, init = {}) => {
    const title = typeof module.title === "function" ? module.title(data) : module.title ?? "Kiln";
    const nonce = createNonce();
    const props: PageProps<unknown> = {
      data,
      url: new URL(c.req.url),
      params: c.req.param() as Record<string, string>,
      nonce,
    };
    const html = renderPage(shell, page, props, title);
    return new Response(html, {
      status: init.status ?? 200,
      headers: {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "content-security-policy": contentSecurityPolicy(nonce),
        ...init.headers,
      },
    });
  };
}
