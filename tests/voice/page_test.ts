/** The "Order by voice" page and the route behind its Start button, over plain HTTP. */
import assert from "node:assert/strict";
import { conversationKiln } from "../conversation/_helpers.ts";

Deno.test("the page opens the demo restaurant with the microphone allowed only there", async () => {
  await using kiln = await conversationKiln();
  const page = await kiln.request("/ui/restaurant", { headers: { accept: "text/html" } });
  assert.equal(page.status, 200);
  assert.equal(page.headers.get("permissions-policy"), "camera=(), microphone=(self), geolocation=()");
  assert.match(page.headers.get("content-security-policy")!, /script-src 'self' 'nonce-/);
  const html = await page.text();
  assert.match(html, /data-island="VoiceOrder"/);
  assert.match(html, /Tap to talk/);
  const other = await kiln.request("/ui/conversation", { headers: { accept: "text/html" } });
  assert.equal(other.headers.get("permissions-policy"), "camera=(), microphone=(), geolocation=()");
  await other.body?.cancel();

  const missing = await kiln.request("/ui/restaurant?tenant=no-such-place", {
    headers: { accept: "text/html" },
  });
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /This restaurant has no menu yet/);
});

Deno.test("starting a voice session is public, per tenant with a menu, and rate limited", async () => {
  await using kiln = await conversationKiln();
  const demo = await kiln.request("/api/voice/sessions", { json: {} });
  assert.equal(demo.status, 201);
  const body = await demo.json();
  assert.equal(body.tenantId, "demo-curry-house");
  assert.match(body.voiceUrl, new RegExp(`^ws://localhost:\\d+/ws/restaurant/${body.sessionId}\\?token=cw_`));
  assert.match(body.writeToken, /^cw_/);

  const unknown = await kiln.request("/api/voice/sessions", { json: { tenantId: "no-such-place" } });
  assert.equal(unknown.status, 404);
  assert.equal((await unknown.json()).code, "menu_not_found");
  const invalid = await kiln.request("/api/voice/sessions", { json: { tenantId: "../etc" } });
  assert.equal(invalid.status, 422);
  await invalid.body?.cancel();

  let limited: Response | undefined;
  for (let attempt = 0; attempt < 12 && !limited; attempt++) {
    const response = await kiln.request("/api/voice/sessions", { json: {} });
    if (response.status === 429) limited = response;
    else await response.body?.cancel();
  }
  assert.ok(limited, "the 11th session within a minute is refused");
  assert.ok(Number(limited.headers.get("retry-after")) > 0);
  await limited.body?.cancel();
});

Deno.test("the restaurant API's new sessions carry the voice socket URL", async () => {
  await using kiln = await conversationKiln();
  await (await kiln.request("/api/voice/sessions", { json: {} })).body?.cancel(); // creates the demo menu
  const created = await kiln.request("/api/restaurant/sessions", {
    json: { tenantId: "demo-curry-house" },
    headers: { authorization: "Bearer test-display-service-token-0123456789abcdef" },
  });
  assert.equal(created.status, 201);
  const body = await created.json();
  const host = new URL(body.displayUrl).host; // both come from KILN_PUBLIC_URL
  assert.equal(body.voiceUrl, `ws://${host}/ws/restaurant/${body.sessionId}?token=${body.writeToken}`);
});
