import { kilnModules } from "../lib/modules.ts";

/** Site header: brand and navigation to each module page that exists, plus the API docs. */
export function SiteHeader({ path }: { path: string }) {
  const links = [
    ...kilnModules.filter((module) => module.href).map((module) => ({
      href: module.href!,
      label: module.name,
    })),
    { href: "/docs", label: "API docs" },
  ];
  return (
    <header class="site-header">
      <div class="inner">
        <a class="brand" href="/">
          <span class="brand-mark" aria-hidden="true"></span>Kiln
        </a>
        <nav class="site-nav" aria-label="Main">
          {links.map((link) => (
            <a href={link.href} aria-current={path === link.href ? "page" : undefined}>{link.label}</a>
          ))}
        </nav>
      </div>
    </header>
  );
}

export function SiteFooter() {
  return (
    <footer class="site-footer">
      <div class="inner row">
        <span>Kiln — five services, one Deno app.</span>
        <a href="/health">Health</a>
        <a href="/metrics">Metrics</a>
        <a href="/openapi.json">OpenAPI</a>
      </div>
    </footer>
  );
}
