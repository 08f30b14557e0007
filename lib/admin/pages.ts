/**
 * The admin console's page routes: a signed-in admin gets the page (with the session's CSRF token
 * for its island); anyone else is sent to the sign-in page, which brings them back afterwards.
 */
import { define, type MethodHandler } from "../http/route.ts";

export interface AdminPageData {
  /** Echoed by the page's island in X-CSRF-Token on every change it makes. */
  csrf: string;
}

/** `next` must stay on this site: a path, never `//host` or a scheme. */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : "/admin";
}

export function redirect(location: string, headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 303, headers: { location, "cache-control": "no-store", ...headers } });
}

export function adminPage(summary: string): MethodHandler {
  return define.get({
    summary: `${summary} (admin console page; sign in at /admin/login)`,
    tags: ["admin"],
    auth: ["admin", "optional"],
    async handle({ principal, request, url, services, render }) {
      if (!principal) return redirect(`/admin/login?next=${encodeURIComponent(url.pathname + url.search)}`);
      const session = await services.adminSessions.read(request);
      return render({ csrf: session?.csrf ?? "" } satisfies AdminPageData);
    },
  });
}
