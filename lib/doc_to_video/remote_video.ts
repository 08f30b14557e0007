/**
 * Rendering on D-ID: request once (checkpointed, so a restart never pays twice), then wait for the
 * webhook — watched in KV — with polling as the fallback, and copy the result into the blob store
 * because D-ID's result URLs expire.
 */
import type { KvStore } from "../store/types.ts";
import { PermanentJobError } from "../jobs/types.ts";
import type { JobContext } from "../jobs/types.ts";
import type { RemoteVideoProvider, RemoteVideoState, VideoApiType } from "../providers/video/types.ts";
import { docToVideoKeys } from "./keys.ts";
import { terminalStatuses, webhookState } from "./webhook.ts";
import { sleep } from "../sleep.ts";

export interface RemoteRenderInput {
  apiType: VideoApiType;
  avatar: string;
  sentiment: string;
  script: string;
  language: "en" | "ar";
  webhookUrl: string;
}

const maxWaitMs = 10 * 60 * 1000;

export async function renderRemotely(
  context: JobContext<unknown>,
  kv: KvStore,
  provider: RemoteVideoProvider,
  input: RemoteRenderInput,
  pollMs: number,
): Promise<{ state: RemoteVideoState; body: ReadableStream<Uint8Array> }> {
  const request = await context.checkpoint("video_request", async () => {
    context.log.info("video_requested", { provider: provider.name, apiType: input.apiType });
    const created = await provider.create({ ...input, signal: context.signal });
    await kv.set(docToVideoKeys.providerJob(created.id), context.jobId, { expireIn: 24 * 60 * 60 * 1000 });
    return { id: created.id, requestedAt: Date.now() };
  });
  const deadline = request.requestedAt + maxWaitMs;
  const announced = (stored: RemoteVideoState | null) =>
    stored?.id === request.id && terminalStatuses.has(stored.status);
  let state: RemoteVideoState;
  while (true) {
    context.signal.throwIfAborted();
    // The provider's own answer is authoritative (the result URL is never taken from a callback);
    // the webhook only wakes this loop up early.
    state = await provider.get(input.apiType, request.id, context.signal);
    if (terminalStatuses.has(state.status)) break;
    if (Date.now() > deadline) {
      throw new PermanentJobError("D-ID did not finish the video within 10 minutes.", "video_timeout");
    }
    await context.progress(60, `Waiting for D-ID (${state.status})`);
    if (announced(await webhookState(kv, context.jobId))) {
      // A callback said it is finished but the API does not show it yet: look again shortly.
      await sleep(Math.min(pollMs, 1_000), context.signal);
    } else {
      await waitForWebhook(kv, context.jobId, pollMs, context.signal, announced);
    }
  }
  if (state.status !== "done" || !state.resultUrl) {
    const verb = state.status === "rejected" ? "rejected" : "failed to render";
    throw new PermanentJobError(
      `D-ID ${verb} the video${state.error ? `: ${state.error}` : "."}`,
      `video_${state.status}`,
    );
  }
  return { state, body: await provider.download(state.resultUrl, context.signal) };
}

/** Resolves when a webhook stores a new state for the job, or after `ms` (the polling fallback). */
async function waitForWebhook(
  kv: KvStore,
  jobId: string,
  ms: number,
  signal: AbortSignal,
  finished: (state: RemoteVideoState | null) => boolean,
): Promise<void> {
  const reader = kv.watch([docToVideoKeys.providerState(jobId)]).getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = () => reader.cancel().catch(() => {});
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    const first = await reader.read(); // the current value
    // The webhook may have landed between the caller's read and this watch.
    if (finished((first.value?.[0].value ?? null) as RemoteVideoState | null)) return;
    const seen = first.value?.[0].versionstamp ?? null;
    const changed = (async () => {
      while (true) {
        const next = await reader.read();
        if (next.done || next.value[0].versionstamp !== seen) return;
      }
    })();
    await Promise.race([changed, new Promise((resolve) => timer = setTimeout(resolve, ms))]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
    await reader.cancel().catch(() => {});
  }
}
