/**
 * `GET /tttranscribe/health` in the seed's shape (`environment` booleans + `asrProvider`), plus job
 * counts, the cache hit rate and whether the tools the local pipeline needs are installed. The
 * same facts feed a check in the app-wide `/health` ("degraded" when a tool is missing).
 */
import type { KvStore } from "../store/types.ts";
import type { HealthReport } from "../health.ts";
import type { AsrProvider } from "../providers/asr/types.ts";
import { toolAvailable } from "../media/tools.ts";
import { ffmpegBinary } from "./audio.ts";
import { cacheStats } from "./cache.ts";
import { transcriptionKeys } from "./keys.ts";
import type { TranscriptionSettings } from "./settings.ts";

export interface ToolState {
  ffmpeg: { available: boolean; detail?: string };
  asr: { provider: string; available: boolean; detail?: string };
}

/** Tool probes spawn processes: remember the answer for a while. */
const toolCacheMs = 30_000;
let toolCache: { at: number; asr: AsrProvider; value: Promise<ToolState> } | undefined;

export function toolState(asr: AsrProvider): Promise<ToolState> {
  if (toolCache && toolCache.asr === asr && Date.now() - toolCache.at < toolCacheMs) return toolCache.value;
  const value = (async () => {
    const [ffmpeg, provider] = await Promise.all([toolAvailable(ffmpegBinary), asr.availability()]);
    return {
      ffmpeg: ffmpeg
        ? { available: true }
        : { available: false, detail: "ffmpeg is not installed; install it with: apt-get install -y ffmpeg" },
      asr: { provider: asr.name, ...provider },
    };
  })();
  toolCache = { at: Date.now(), asr, value };
  return value;
}

export async function transcriptionHealth(
  dependencies: { kv: KvStore; asr: AsrProvider; settings: TranscriptionSettings },
): Promise<{ httpStatus: number; body: Record<string, unknown> }> {
  const { settings, asr } = dependencies;
  const [tools, cache, jobs] = await Promise.all([
    toolState(asr),
    cacheStats(dependencies.kv),
    countTranscriptions(dependencies.kv),
  ]);
  const ready = tools.ffmpeg.available && tools.asr.available;
  const problems = [tools.ffmpeg, tools.asr].filter((tool) => !tool.available).map((tool) => tool.detail);
  return {
    httpStatus: 200,
    body: {
      status: ready ? "healthy" : "degraded",
      version: settings.version,
      service: "tttranscribe",
      platform: "kiln",
      environment: {
        hasAuthSecret: Boolean(settings.sharedSecret),
        hasHfApiKey: settings.configured.hfApiKey,
        hasWebhookUrl: Boolean(settings.webhookUrl),
        hasWebhookSecret: Boolean(settings.webhookSecret),
        asrProvider: settings.asr.provider,
        authSecretGenerated: !settings.configured.authSecret,
        webhookSecretGenerated: !settings.configured.webhookSecret,
      },
      tools,
      ...(problems.length > 0 ? { problems } : {}),
      jobs,
      cache: { ...cache, ttlHours: 48 },
    },
  };
}

export interface JobCountsByState {
  accepted: number;
  inProgress: number;
  completed: number;
  failed: number;
}

export async function countTranscriptions(kv: KvStore): Promise<JobCountsByState> {
  const names = ["accepted", "completed", "failed"] as const;
  const entries = await kv.getMany<Deno.KvU64[]>(names.map((name) => transcriptionKeys.counter(name)));
  const [accepted, completed, failed] = entries.map((entry) => Number(entry.value?.value ?? 0n));
  return { accepted, inProgress: Math.max(0, accepted - completed - failed), completed, failed };
}

/** Adds one to a counter (callers wrap it in a checkpoint where a retry could repeat it). */
export async function incrementCounter(
  kv: KvStore,
  name: "accepted" | "completed" | "failed",
): Promise<void> {
  await kv.atomic().sum(transcriptionKeys.counter(name), 1n).commit();
}

/** The platform report for `/health`: degraded (not down) when a tool is missing, so the app still serves. */
export async function transcriptionHealthCheck(asr: AsrProvider): Promise<HealthReport> {
  const tools = await toolState(asr);
  const ok = tools.ffmpeg.available && tools.asr.available;
  return { state: ok ? "ok" : "degraded", ...tools };
}
