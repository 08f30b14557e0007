/** Environment variables of the preprocessing module (merged into fresh.config.ts). */
import { z } from "zod";
import { secret } from "../config_schemas.ts";

const delays = z.string().regex(/^\d+(,\d+)*$/, "must be comma-separated milliseconds").transform((value) =>
  value.split(",").map(Number)
);

export const preprocessVariables = {
  WORKER_URL: {
    schema: z.url().optional(),
    doc:
      "Ingest service base URL; finished batches are posted to `{WORKER_URL}/api/batches/:id/enqueue-processed` (unset: no finalize call).",
  },
  MAX_RETRY_ATTEMPTS: {
    schema: z.coerce.number().int().min(1).max(20),
    default: "5",
    doc: "Attempts per preprocessing task before it is marked failed.",
  },
  PREPROCESS_RETRY_DELAYS_MS: {
    schema: delays,
    default: "2000,4000,8000,16000",
    doc: "Backoff between a task's attempts, ms (the last entry repeats).",
  },
  BATCH_SIZE_TIFF_CONVERSION: {
    schema: z.coerce.number().int().min(1).max(1000),
    default: "1000",
    doc: "Tasks dispatched per step when a batch starts (the seed's machines per alarm).",
  },
  PREPROCESS_WORKERS: {
    schema: z.coerce.number().int().min(0).max(64).optional(),
    doc:
      "Contained child processes converting TIFFs (default: CPU cores; 0 leaves every task to external workers).",
  },
  PREPROCESS_SERVICE_TOKEN: {
    schema: secret(),
    doc: "Bearer token the ingest queue uses for `POST /preprocess/batches` (generated when unset).",
  },
  PREPROCESS_CALLBACK_SECRET: {
    schema: secret(),
    doc:
      "HMAC key for external-worker callbacks, batch view links and the finalize call (generated when unset).",
  },
} as const;
