/**
 * Wires the preprocessing module into Kiln: the worker pool, job
 * kinds, auth kinds ("preprocess-service" for the ingest queue), health and metrics, and the
 * resume pass for batches interrupted by a restart.
 */
import { staticTokenResolver } from "../http/auth.ts";
import { errorMessage } from "../log.ts";
import { blobVariables } from "../blobs/config.ts";
import { variablesOf } from "../config.ts";
import type { Services } from "../services.ts";
import { preprocessVariables } from "./config.ts";
import { encoderName } from "./convert.ts";
import { definePreprocessJobs, resumeBatches } from "./jobs.ts";
import { createConversionPool } from "./pool.ts";
import { createPreprocessService, type PreprocessDependencies, type PreprocessService } from "./service.ts";
import { authorizeBatchRead } from "./access.ts";
import { handleCallback, leaseNextTask, type WorkerContract } from "./external.ts";
import type { CallbackBody } from "./types.ts";
import type { Principal } from "../http/auth.ts";

export async function setupPreprocess(services: Services): Promise<PreprocessApi> {
  const { config, log, secrets } = services;
  const values = variablesOf(config, { ...preprocessVariables, ...blobVariables });
  const serviceToken = await secrets.ensure("PREPROCESS_SERVICE_TOKEN", values.PREPROCESS_SERVICE_TOKEN);
  const callbackSecret = await secrets.ensure(
    "PREPROCESS_CALLBACK_SECRET",
    values.PREPROCESS_CALLBACK_SECRET,
  );
  const pool = createConversionPool(values.PREPROCESS_WORKERS ?? navigator.hardwareConcurrency ?? 1);
  const deps: PreprocessDependencies = {
    kv: services.kv,
    jobs: services.jobs,
    live: services.live,
    blobs: services.blobs,
    pool,
    log: log.child({ module: "preprocess" }),
    settings: {
      workerUrl: values.WORKER_URL,
      maxAttempts: values.MAX_RETRY_ATTEMPTS,
      retryDelaysMs: values.PREPROCESS_RETRY_DELAYS_MS,
      dispatchChunk: values.BATCH_SIZE_TIFF_CONVERSION,
      callbackSecret,
      publicUrl: config.publicUrl,
      externalLeaseMs: 10 * 60_000,
    },
  };
  const service = createPreprocessService(deps);
  definePreprocessJobs(deps, service);
  services.auth["preprocess-service"] = staticTokenResolver("preprocess-service", serviceToken);
  services.securitySchemes["preprocess-service"] = {
    type: "http",
    scheme: "bearer",
    description: "PREPROCESS_SERVICE_TOKEN of the ingest queue and external workers",
    "x-kiln-secret": "PREPROCESS_SERVICE_TOKEN",
  };

  services.health.register("preprocess", () =>
    Promise.resolve({
      state: "ok",
      encoder: encoderName,
      blobStore: values.BLOB_STORE,
      finalize: values.WORKER_URL !== undefined,
      ...pool.stats(),
      poolSize: pool.size,
    }));
  services.metrics.collect(
    "kiln_preprocess_pool",
    "Conversion worker pool: busy workers and queued conversions.",
    ["state"],
    () => {
      const stats = pool.stats();
      return Promise.resolve([
        { labels: { state: "busy" }, value: stats.busy },
        { labels: { state: "queued" }, value: stats.queued },
      ]);
    },
  );
  // Runs after the job engine has stopped, so no conversion is still waiting for a worker.
  services.onClose(() => pool.close());
  try {
    const resumed = await resumeBatches(deps, service);
    if (resumed > 0) deps.log.info("preprocess_resumed", { batches: resumed });
  } catch (error) {
    deps.log.error("preprocess_resume_failed", { error: errorMessage(error) });
  }
  return {
    ...service,
    authorizeRead: (batchId, principal, token) => authorizeBatchRead(service, batchId, principal, token),
    leaseNextTask: () => leaseNextTask(deps),
    handleCallback: (batchId, taskId, body) => handleCallback(deps, service, batchId, taskId, body),
  };
}

/** The API preprocessing's routes call: the service, plus read access and the external-worker protocol. */
export interface PreprocessApi extends PreprocessService {
  /** Resolves for an authenticated principal or the batch's view token (`?token=`); a 401 otherwise. */
  authorizeRead(batchId: string, principal: Principal | undefined, token: string | undefined): Promise<void>;
  leaseNextTask(): Promise<WorkerContract | null>;
  handleCallback(
    batchId: string,
    taskId: string,
    body: CallbackBody,
  ): Promise<{ applied: boolean; task_status: string }>;
}
