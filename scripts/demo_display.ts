/**
 * Plays the scripted restaurant conversation into a new session on a running Kiln, over the public
 * API, and prints the display link first so you can open it and watch the screen come alive.
 *
 *   ./deno run -A scripts/demo_display.ts [baseUrl]   (default $KILN_PUBLIC_URL or http://localhost:8000)
 *
 * The service token comes from DISPLAY_SERVICE_TOKEN or, for a zero-config local server, from
 * `$KILN_DATA_DIR/secrets.json` (THEME_API_TOKEN likewise, for the demo menu).
 */
import { demoMenu, demoScript, demoTenant } from "../lib/conversation/demo.ts";

const base = (Deno.args[0] ?? Deno.env.get("KILN_PUBLIC_URL") ?? "http://localhost:8000").replace(/\/$/, "");
const stepMs = Number(Deno.env.get("DEMO_STEP_MS") ?? 1_500);

async function secret(name: string): Promise<string> {
  const fromEnv = Deno.env.get(name);
  if (fromEnv) return fromEnv;
  const file = `${Deno.env.get("KILN_DATA_DIR") ?? "./data"}/secrets.json`;
  const stored = JSON.parse(await Deno.readTextFile(file).catch(() => "{}"));
  if (!stored[name]) throw new Error(`set ${name} (or start the server once so ${file} holds it)`);
  return stored[name];
}

async function call(path: string, token: string, body: unknown, method = "POST") {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${json.detail ?? ""}`);
  return json;
}

const serviceToken = await secret("DISPLAY_SERVICE_TOKEN");
await call(`/api/restaurant/tenants/${demoTenant}/menu`, await secret("THEME_API_TOKEN"), demoMenu, "PUT");
const session = await call("/api/restaurant/sessions", serviceToken, {
  tenantId: demoTenant,
  language: "en",
});
console.log(`Open the display: ${session.displayUrl}`);
await new Promise((resolve) => setTimeout(resolve, 3_000));
for (const step of demoScript) {
  if ("say" in step) {
    await call(`/conversation/${session.sessionId}/update`, serviceToken, {
      type: "transcription",
      data: { text: step.say, speaker: step.speaker, isFinal: true },
    });
    console.log(`${step.speaker}: ${step.say}`);
  } else {
    const result = await call(
      `/api/restaurant/sessions/${session.sessionId}/tools/${step.tool}`,
      serviceToken,
      {
        args: step.args ?? {},
      },
    );
    console.log(`tool ${step.tool} → ${result.ok ? "ok" : result.error}`);
  }
  await new Promise((resolve) => setTimeout(resolve, stepMs));
}
console.log("Demo finished.");
