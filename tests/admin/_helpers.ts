/** Signing a test Kiln's admin console in, as a browser would (the form), for HTTP-level tests. */
import type { TestKiln } from "../support/kiln.ts";
import { testAdminToken } from "../support/kiln.ts";

export interface SignedIn {
  /** `Cookie` header value. */
  cookie: string;
  csrf: string;
}

export async function signIn(kiln: TestKiln, token = testAdminToken): Promise<SignedIn> {
  const response = await kiln.request("/admin/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token, next: "/admin/jobs" }),
  });
  if (response.status !== 303) throw new Error(`sign-in failed: ${response.status}`);
  const cookie = response.headers.get("set-cookie")!.split(";")[0];
  const page = await (await kiln.request("/admin/jobs", { headers: { cookie } })).text();
  const csrf = /&quot;csrf&quot;:&quot;([^&]+)&quot;|"csrf":"([^"]+)"/.exec(page);
  if (!csrf) throw new Error("no CSRF token on the admin page");
  return { cookie, csrf: csrf[1] ?? csrf[2] };
}
