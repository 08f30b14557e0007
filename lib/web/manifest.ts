/**
 * What `fresh.gen.ts` contains and how a file under `routes/` becomes a URL pattern, Fresh style:
 * `index` is the folder itself, `[id]` a parameter, `[...rest]` a catch-all, `(group)` folders
 * vanish, and `_app` / `_layout` / `_404` are special files rather than URLs.
 */
import type { ComponentType, VNode } from "preact";
import type { MethodHandler } from "../http/route.ts";

/**
 * A component whose props are checked where it is written: pages, layouts and islands each take
 * different props, and the manifest only needs to know it can render them.
 */
// deno-lint-ignore no-explicit-any
export type AnyComponent = ComponentType<any>;
/** A rendered element of any props (the result of rendering an AnyComponent). */
// deno-lint-ignore no-explicit-any
export type AnyVNode = VNode<any>;

export interface PageProps<Data = unknown> {
  data: Data;
  url: URL;
  params: Record<string, string>;
  /** Per-request CSP nonce, for the rare inline <style> a page needs. */
  nonce: string;
}

/** A method handler map, Fresh style: `export const handler = { GET: define.get({…}) }`. */
export type Handlers = Partial<Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE", MethodHandler>>;

export interface RouteModule {
  handler?: Handlers;
  default?: AnyComponent;
  /** Page title, or a function of the page data. */
  // deno-lint-ignore no-explicit-any
  title?: string | ((data: any) => string);
}

export interface AppProps {
  Component: () => VNode;
  title: string;
  url: URL;
  nonce: string;
  /** URL of the content-hashed stylesheet. */
  stylesheet: string;
}

export interface AppModule {
  default: ComponentType<AppProps>;
}

export interface LayoutModule {
  default: ComponentType<{ Component: () => VNode; url: URL }>;
}

export interface IslandModule {
  default: AnyComponent;
}

export interface Manifest {
  routes: Record<string, RouteModule | AppModule | LayoutModule>;
  islands: Record<string, IslandModule>;
}

/** `./routes/api/jobs/[id]/events.ts` → `/api/jobs/:id/events`; null for special files. */
export function routePattern(file: string): string | null {
  const path = file.replace(/^\.?\/?routes\//, "").replace(/\.(tsx?|jsx?)$/, "");
  const segments = path.split("/").filter((segment) => !/^\(.+\)$/.test(segment));
  const last = segments.at(-1) ?? "";
  if (last.startsWith("_")) return null;
  if (last === "index") segments.pop();
  const mapped = segments.map((segment) => {
    const catchAll = /^\[\.\.\.(\w+)\]$/.exec(segment);
    if (catchAll) return "*";
    return segment.replace(/\[(\w+)\]/g, ":$1");
  });
  return "/" + mapped.join("/");
}

/** Static segments before parameters before catch-alls, so `/a/new` wins over `/a/:id`. */
export function compareRoutePatterns(a: string, b: string): number {
  const rank = (pattern: string) =>
    pattern.split("/").map((segment) => (segment === "*" ? "2" : segment.startsWith(":") ? "1" : "0")).join(
      "",
    );
  return rank(a).localeCompare(rank(b)) || a.localeCompare(b);
}

/** The island's name as the browser knows it: the file name without extension. */
export function islandName(file: string): string {
  return file.replace(/^.*\//, "").replace(/\.(tsx?|jsx?)$/, "");
}
