/**
 * `/health` is assembled from checks that each part of the app registers (KV, job engine, and
 * later providers such as ffmpeg or pocketsphinx). A check reports its own state; any check that
 * is `down` turns the overall status to 503 so load balancers stop routing to a broken instance,
 * while `degraded` (an optional tool missing) keeps serving. Results are reused for `cacheMs` and
 * concurrent callers share one run, so a load balancer (or an attacker) polling `/health` hard
 * cannot turn it into a KV load generator.
 */
import { errorMessage } from "./log.ts";
import { late, within } from "./sleep.ts";

export type HealthState = "ok" | "degraded" | "down";

export interface HealthReport {
  state: HealthState;
  [detail: string]: unknown;
}

export type HealthCheck = () => Promise<HealthReport>;

export interface HealthSummary {
  state: HealthState;
  checks: Record<string, HealthReport>;
}

export interface HealthRegistry {
  register(name: string, check: HealthCheck): void;
  run(): Promise<HealthSummary>;
}

export function createHealthRegistry(options: { timeoutMs?: number; cacheMs?: number } = {}): HealthRegistry {
  const { timeoutMs = 2_000, cacheMs = 1_000 } = options;
  const checks = new Map<string, HealthCheck>();
  let latest: { at: number; result: Promise<HealthSummary> } | undefined;

  const runAll = async (): Promise<HealthSummary> => {
    const entries = await Promise.all(
      [...checks].map(async ([name, check]) => [name, await runWithTimeout(check, timeoutMs)] as const),
    );
    const states = entries.map(([, report]) => report.state);
    const state: HealthState = states.includes("down")
      ? "down"
      : states.includes("degraded")
      ? "degraded"
      : "ok";
    return { state, checks: Object.fromEntries(entries) };
  };

  return {
    register(name, check) {
      checks.set(name, check);
      latest = undefined;
    },
    run() {
      const now = Date.now();
      if (!latest || now - latest.at >= cacheMs) latest = { at: now, result: runAll() };
      return latest.result;
    },
  };
}

async function runWithTimeout(check: HealthCheck, timeoutMs: number): Promise<HealthReport> {
  const report = await within(
    check().catch((error) => ({ state: "down" as const, error: errorMessage(error) })),
    timeoutMs,
  );
  return report === late ? { state: "down", error: `no answer within ${timeoutMs} ms` } : report;
}
