/**
 * The transcription API its routes call (`services.module(transcriptionModule)`): thin wrappers that bind
 * the dependencies, plus the token-bucket rule for transcribe/estimate.
 */
import type { RateLimitRule } from "../http/rate_limit.ts";
import type { AsrProvider } from "../providers/asr/types.ts";
import { transcriptionHealth } from "./health.ts";
import type { TranscriptionDependencies } from "./job.ts";
import {
  type Accepted,
  acceptTranscription,
  type Estimate,
  estimateTranscription,
  type TranscriptionSource,
} from "./service.ts";
import type { TranscriptionSettings } from "./settings.ts";
import { studioTranscription, submitFromStudio } from "./studio.ts";
import { type TranscriptionStatus, transcriptionStatus } from "./status.ts";

export interface TranscriptionService {
  settings: TranscriptionSettings;
  asr: AsrProvider;
  rateLimitRule: RateLimitRule;
  accept(
    request: { source: TranscriptionSource; requestId?: string; authorizeDuration?: boolean },
  ): Promise<Accepted>;
  estimate(url: string): Promise<Estimate>;
  status(id: string): Promise<TranscriptionStatus>;
  health(): Promise<{ httpStatus: number; body: Record<string, unknown> }>;
  /** The studio page's submissions: it may read only what it started (see studio.ts). */
  studio: {
    submit(source: TranscriptionSource): Promise<Accepted>;
    status(id: string): Promise<TranscriptionStatus>;
  };
  info(): Record<string, unknown>;
}

export const transcriptionEndpoints = [
  "POST /transcribe",
  "POST /estimate",
  "GET /status/:id",
  "GET /health",
];

export function createTranscriptionService(dependencies: TranscriptionDependencies): TranscriptionService {
  const { settings, asr } = dependencies;
  const service: TranscriptionService = {
    settings,
    asr,
    rateLimitRule: {
      name: "tttranscribe",
      algorithm: "token_bucket",
      capacity: settings.rateLimit.capacity,
      refillPerMinute: settings.rateLimit.refillPerMinute,
    },
    accept: (request) => acceptTranscription(dependencies, request),
    estimate: (url) => estimateTranscription(dependencies, url),
    status: (id) => transcriptionStatus(dependencies, id),
    health: () => transcriptionHealth(dependencies),
    studio: {
      submit: (source) => submitFromStudio(dependencies.kv, service, source),
      status: (id) => studioTranscription(dependencies.kv, service, id),
    },
    info: () => ({
      service: "TTTranscribe",
      version: settings.version,
      apiVersion: "1.0.0",
      platform: "kiln",
      baseUrl: `${settings.publicUrl}/tttranscribe`,
      asrProvider: settings.asr.provider,
      endpoints: transcriptionEndpoints,
    }),
  };
  return service;
}
