/**
 * `/health` is assembled from checks that each part of the app registers (KV, job engine, and
 * later providers such as ffmpeg or pocketsphinx). A check reports its own state; any check that
 * is `down` turns the overall status to 503 so load balancers stop routing to a broken instance,
 * while `degraded` (an optional tool missing) keeps serving.
 */
import { errorMessage } from "./log.ts";

export type HealthState = "ok" | "degraded" | "down";

export interface HealthReport {
  state: HealthState;
  [detail: string]: unknown;
}

export type HealthCheck = () => Promise<HealthReport>;

export interface HealthRegistry {
  register(name: string, check: HealthCheck): void;
  run(): Promise<{ state: HealthState; checks: Record<string, HealthReport> }>;
}

export function createHealthRegistry(timeoutMs = 2_000): HealthRegistry {
  const checks = new Map<string, HealthCheck>();
  return {
    register(name, check) {
      checks.set(name, check);
    },
    async run() {
      const entries = await Promise.all(
        [...checks].map(async ([name, check]) => [name, await runWithTimeout(check, timeoutMs)] as const),
      );
      const results = Object.fromEntries(entries);
      const states = entries.map(([, report]) => report.state);
      const state: HealthState = states.includes("down")
        ? "down"
        : states.includes("degraded")
        ? "degraded"
        : "ok";
      return { state, checks: results };
    },
  };
}

async function runWithTimeout(check: HealthCheck, timeoutMs: number): Promise<HealthReport> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<HealthReport>((resolve) => {
    timer = setTimeout(
      () => resolve({ state: "down", error: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([
      check().catch((error) => ({ state: "down" as const, error: errorMessage(error) })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
