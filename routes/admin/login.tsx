import { z } from "zod";
import { define } from "../../lib/http/route.ts";
import { redirect, safeNext } from "../../lib/admin/pages.ts";
import type { Handlers, PageProps } from "../../lib/web/manifest.ts";

export const title = "Sign in";

interface Data {
  next: string;
  error?: string;
}

const Next = z.string().max(500).optional();

export const handler: Handlers = {
  GET: define.get({
    summary: "Admin console sign-in page",
    tags: ["admin"],
    query: z.object({ next: Next }),
    async handle({ query, request, services, render }) {
      const next = safeNext(query.next);
      if (await services.adminSessions.read(request)) return redirect(next);
      return render({ next } satisfies Data);
    },
  }),
  POST: define.post({
    summary: "Sign in to the admin console with KILN_ADMIN_TOKEN (HTML form)",
    description: "On success: 303 to `next` with an HttpOnly, SameSite=Strict session cookie (12 hours).",
    tags: ["admin"],
    bodyType: "form",
    bodyLimit: 4 * 1024,
    body: z.object({ token: z.string().max(500), next: Next }),
    rateLimit: {
      rule: { name: "admin_sign_in", algorithm: "fixed_window", limit: 10, windowMs: 10 * 60_000 },
      by: "ip",
    },
    responses: {
      303: { description: "Signed in; the cookie is set." },
      401: { description: "Wrong token: the form again, with the error." },
      429: { description: "More than 10 attempts in 10 minutes from this address." },
    },
    async handle({ body, services, render, log }) {
      const next = safeNext(body.next);
      const signedIn = await services.adminSessions.signIn(body.token);
      if (!signedIn) {
        log.warn("admin_sign_in_failed", {});
        return render({ next, error: "That is not the admin token." } satisfies Data, { status: 401 });
      }
      log.info("admin_signed_in", {});
      return redirect(next, { "set-cookie": signedIn.setCookie });
    },
  }),
};

export default function SignIn({ data }: PageProps<Data>) {
  return (
    <div class="narrow">
      <h1>Admin console</h1>
      <p class="lead">
        Sign in with the admin token: <code>KILN_ADMIN_TOKEN</code>, or the generated one that{" "}
        <code>./deno task secret KILN_ADMIN_TOKEN</code> prints.
      </p>
      <form method="post" action="/admin/login" class="card stack">
        {data.error && <p class="banner error" role="alert">{data.error}</p>}
        <label for="admin-token">Admin token</label>
        <input
          id="admin-token"
          name="token"
          type="password"
          autocomplete="current-password"
          required
          class="input"
        />
        <input type="hidden" name="next" value={data.next} />
        <button class="button" type="submit">Sign in</button>
      </form>
    </div>
  );
}
