import { modulePages } from "../lib/web/module_pages.ts";

/** Site header: brand and navigation to each module's page, the API docs and the admin console. */
export function SiteHeader({ path }: { path: string }) {
  const links = [
    ...modulePages.map((module) => ({ href: module.href, label: module.navLabel, title: module.name })),
    { href: "/docs", label: "API docs", title: "API documentation" },
    { href: "/admin", label: "Admin", title: "Admin console" },
  ];
  // The longest link that is the path or a folder of it: /admin/jobs is Admin, /admin/credits Credits.
  const current = links.filter((link) => path === link.href || path.startsWith(`${link.href}/`))
    .sort((a, b) => b.href.length - a.href.length)[0]?.href;
  return (
    <header class="site-header">
      <div class="inner">
        <a class="brand" href="/">
          <span class="brand-mark" aria-hidden="true"></span>Kiln
        </a>
        <nav class="site-nav" aria-label="Main">
          {links.map((link) => (
            <a href={link.href} title={link.title} aria-current={current === link.href ? "page" : undefined}>
              {link.label}
            </a>
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
