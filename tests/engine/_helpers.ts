/** Shared pieces for engine tests: a configured test Kiln, user tokens, and a scriptable fake TTT. */
import { type TestKiln, testKiln } from "../support/kiln.ts";

export const adminKey = "engine-admin-key-for-tests-0123456789abcdef";
export const jwtSecret = "engine-jwt-secret-for-tests-0123456789abcdef";
export const tttSecret = "ttt-shared-secret-for-tests-0123456789";
export const webhookSecret = "engine-webhook-secret-for-tests-0123456789";

// deno-lint-ignore no-explicit-any
export type Json = any;

/** A Kiln with known engine secrets and fast proxy timings (retries 10/20/40 ms). */
export function engineKiln(env: Record<string, string> = {}): Promise<TestKiln> {
  return testKiln({
    ENGINE_ADMIN_KEY: adminKey,
    ENGINE_JWT_SECRET: jwtSecret,
    TTT_SHARED_SECRET: tttSecret,
    BUSINESS_ENGINE_WEBHOOK_SECRET: webhookSecret,
    ENGINE_RETRY_BASE_MS: "10",
    REQUEST_TIMEOUT: "2000",
    TTT_BASE: "http://127.0.0.1:9/tttranscribe",
    ...env,
  });
}

export const adminHeaders = { "x-api-key": adminKey };

export async function userToken(kiln: TestKiln, userId: string): Promise<string> {
  const response = await kiln.request(`/v1/admin/users/${userId}/token`, { json: {}, headers: adminHeaders });
  if (response.status !== 201) throw new Error(`minting failed: ${response.status} ${await response.text()}`);
  return (await response.json()).token;
}

export async function grant(kiln: TestKiln, userId: string, amount: number): Promise<void> {
  const response = await kiln.request("/v1/credits/add", { json: { userId, amount }, headers: adminHeaders });
  if (response.status !== 201) throw new Error(`grant failed: ${response.status} ${await response.text()}`);
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function balance(kiln: TestKiln, token: string): Promise<Json> {
  return await (await kiln.request("/v1/credits/balance", { headers: bearer(token) })).json();
}

/** What the fake answers next: a status with a JSON body, or a hang until the client gives up. */
export type Step =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | "hang";

export interface FakeTtt extends AsyncDisposable {
  base: string;
  calls: { method: string; path: string; auth: string | null; body: string }[];
  /** Scripted answers per "METHOD /path" (path without the base), consumed in order; then `fallback`. */
  script: Map<string, Step[]>;
  fallback: (method: string, path: string, body: string) => Step;
}

/** A loopback transcription service speaking its wire format, with scriptable failures. */
export function fakeTtt(): FakeTtt {
  const calls: FakeTtt["calls"] = [];
  const script = new Map<string, Step[]>();
  const pending = new Set<() => void>();
  const fake: FakeTtt = {
    base: "",
    calls,
    script,
    fallback(method, path) {
      if (method === "POST" && path === "/transcribe") {
        return { status: 202, body: { id: `job-${calls.length}`, status: "queued" } };
      }
      if (method === "POST" && path === "/estimate") {
        return { status: 200, body: { estimatedDurationSeconds: 90, estimatedCredits: 2 } };
      }
      if (method === "GET" && path.startsWith("/status/")) {
        return {
          status: 200,
          body: { id: path.slice(8), status: "processing", progress: 40, currentStep: "transcribing" },
        };
      }
      if (path === "/health") return { status: 200, body: { status: "ok" } };
      return { status: 404, body: { error: "not found" } };
    },
    async [Symbol.asyncDispose]() {
      for (const release of pending) release();
      pending.clear();
      await server.shutdown();
    },
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const path = new URL(request.url).pathname.replace(/^\/tttranscribe/, "");
    const body = await request.text();
    calls.push({ method: request.method, path, auth: request.headers.get("x-engine-auth"), body });
    const key = `${request.method} ${path}`;
    const step = script.get(key)?.shift() ?? fake.fallback(request.method, path, body);
    if (step === "hang") {
      // Never answers until the fake closes; the client under test has long given up by then.
      await new Promise<void>((resolve) => pending.add(resolve));
      return new Response(null, { status: 499 });
    }
    if (step.delayMs) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
    return Response.json(step.body ?? {}, { status: step.status, headers: step.headers });
  });
  fake.base = `http://127.0.0.1:${server.addr.port}/tttranscribe`;
  return fake;
}

export function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}
