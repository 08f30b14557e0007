import { z } from "zod";
import { KilnError } from "../../lib/errors.ts";
import { secretsEqual } from "../../lib/http/auth.ts";
import { define } from "../../lib/http/route.ts";
import { redirect } from "../../lib/admin/pages.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Sign out of the admin console (HTML form with the session's `csrf` field)",
    tags: ["admin"],
    bodyType: "form",
    bodyLimit: 4 * 1024,
    body: z.object({ csrf: z.string().max(200) }),
    responses: {
      303: { description: "Signed out; the cookie is cleared." },
      403: { description: "The form's CSRF token does not match the session (`csrf_token_invalid`)." },
    },
    async handle({ body, request, services }) {
      const session = await services.adminSessions.read(request);
      if (session && !(await secretsEqual(body.csrf, session.csrf))) {
        throw new KilnError(
          "forbidden",
          "csrf_token_invalid",
          "The sign-out form is stale; reload and retry.",
        );
      }
      return redirect("/admin/login", { "set-cookie": await services.adminSessions.signOut(request) });
    },
  }),
};
