/**
 * `POST /ttt/transcribe` and `GET /ttt/status/:id` for holders of a vended service token. A token
 * was paid for with one credit, so it starts one transcription: its id is claimed atomically before
 * the call (a concurrent second use gets 409) and given back if the call fails. Each job is
 * recorded with its owner so a token can only read jobs its user started.
 */
import type { KvStore } from "../store/types.ts";
import { KilnError } from "../errors.ts";
import { engineKeys } from "./keys.ts";
import type { UpstreamClient } from "./upstream/client.ts";

interface JobOwner {
  userId: string;
  jobId: string;
  tokenId: string;
  createdAt: string;
}

const tokenUseMs = 24 * 60 * 60 * 1000;

export async function proxyTranscribe(
  kv: KvStore,
  upstream: UpstreamClient,
  caller: { userId: string; tokenId: string },
  url: string,
  timeoutMs: number,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const useKey = engineKeys.tokenUse(caller.tokenId);
  const claimed = await kv.atomic()
    .check({ key: useKey, versionstamp: null })
    .set(useKey, { state: "in_flight", at: new Date().toISOString() }, { expireIn: tokenUseMs })
    .commit();
  if (!claimed.ok) {
    throw new KilnError(
      "conflict",
      "token_already_used",
      "This service token already started a transcription; vend a new one.",
    );
  }
  let answer;
  try {
    answer = await upstream.request("POST", "/transcribe", {
      body: { url },
      timeoutMs,
      requestId: caller.tokenId,
    });
  } catch (error) {
    await kv.delete(useKey); // nothing was started: the paid-for token stays usable
    throw error;
  }
  const jobId = String(answer.json.id ?? answer.json.jobId ?? "");
  if (jobId) {
    const owner: JobOwner = {
      userId: caller.userId,
      jobId,
      tokenId: caller.tokenId,
      createdAt: new Date().toISOString(),
    };
    await kv.atomic()
      .set(engineKeys.tttJob(jobId, caller.userId), owner)
      .set(useKey, { state: "used", jobId }, { expireIn: tokenUseMs })
      .commit();
  }
  const json = {
    ok: true,
    ...answer.json,
    jobId,
    statusUrl: jobId ? `/ttt/status/${encodeURIComponent(jobId)}` : undefined,
  };
  return { status: answer.status, json };
}

export async function proxyStatus(
  kv: KvStore,
  upstream: UpstreamClient,
  userId: string,
  jobId: string,
): Promise<Record<string, unknown>> {
  const owner = (await kv.get<JobOwner>(engineKeys.tttJob(jobId, userId))).value;
  if (!owner) {
    throw new KilnError("not_found", "job_not_found", "No such transcription job.");
  }
  const answer = await upstream.request("GET", `/status/${encodeURIComponent(jobId)}`);
  return answer.json;
}
