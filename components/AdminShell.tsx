import type { ComponentChildren } from "preact";

const sections = [
  { href: "/admin", label: "Overview" },
  { href: "/admin/jobs", label: "Jobs" },
  { href: "/admin/credits", label: "Credits" },
  { href: "/admin/batches", label: "Batches" },
  { href: "/admin/services", label: "Services" },
  { href: "/admin/sessions", label: "Sessions" },
];

/** The admin console frame: its section tabs, the page title and the sign-out form. */
export function AdminShell(
  { path, csrf, title, children }: { path: string; csrf: string; title: string; children: ComponentChildren },
) {
  return (
    <div class="admin">
      <div class="admin-bar">
        <nav class="admin-nav" aria-label="Admin console">
          {sections.map((section) => (
            <a
              key={section.href}
              href={section.href}
              aria-current={path === section.href ? "page" : undefined}
            >
              {section.label}
            </a>
          ))}
        </nav>
        <form method="post" action="/admin/logout" class="admin-signout">
          <input type="hidden" name="csrf" value={csrf} />
          <button class="button secondary small" type="submit">Sign out</button>
        </form>
      </div>
      <h1>{title}</h1>
      {children}
    </div>
  );
}
