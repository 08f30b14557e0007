/**
 * D-ID webhooks. D-ID does not sign its callbacks, so each job's webhook URL carries a token —
 * HMAC-SHA256(DID_WEBHOOK_SECRET, job id) — checked in constant time. A delivery must also name
 * the render this job started; each (render, status) pair is applied once, so replays are no-ops.
 */
import { transact } from "../store/transaction.ts";
import type { KvStore } from "../store/types.ts";
import { z } from "zod";
import { hmacSha256, toBase64Url } from "../hmac.ts";
import { KilnError } from "../errors.ts";
import { secretsEqual } from "../http/auth.ts";
import { validate } from "../http/body.ts";
import { DidState, toState } from "../providers/video/did.ts";
import type { RemoteVideoState } from "../providers/video/types.ts";
import { docToVideoKeys } from "./keys.ts";

const dayMs = 24 * 60 * 60 * 1000;
export const terminalStatuses = new Set(["done", "error", "rejected"]);

export const WebhookQuery = z.object({
  job: z.string().min(1).max(64),
  token: z.string().min(1).max(128),
});

export async function webhookToken(secret: string, jobId: string): Promise<string> {
  return toBase64Url(await hmacSha256(secret, `did:${jobId}`));
}

export interface WebhookOutcome {
  jobId: string;
  status: string;
  duplicate: boolean;
}

export async function receiveWebhook(
  kv: KvStore,
  secret: string,
  query: z.infer<typeof WebhookQuery>,
  payload: unknown,
): Promise<WebhookOutcome> {
  const expected = await webhookToken(secret, query.job);
  if (!(await secretsEqual(query.token, expected))) {
    throw new KilnError("unauthorized", "webhook_signature_invalid", "The webhook token is not valid.");
  }
  const state = toState(validate(DidState, payload, "body", { code: "webhook_payload_invalid" }));
  const owner = await kv.get<string>(docToVideoKeys.providerJob(state.id));
  // The token already binds the delivery to this job; the render may not be recorded yet when a
  // fast provider calls back before `create` returned, so only a different owner is refused.
  if (owner.value !== null && owner.value !== query.job) {
    throw new KilnError("not_found", "webhook_render_unknown", "No job is waiting for this render.");
  }
  const seenKey = docToVideoKeys.webhookSeen(state.id, state.status);
  const stateKey = docToVideoKeys.providerState(query.job);
  const duplicate = await transact(kv, { name: "doc_to_video.webhook" }, async (tx) => {
    const [seen, current] = await tx.getMany<[number, RemoteVideoState]>([seenKey, stateKey]);
    if (seen.value !== null) return true;
    tx.op.set(seenKey, Date.now(), { expireIn: dayMs });
    // A late "started" must not overwrite "done": terminal states are final.
    if (!(current.value && terminalStatuses.has(current.value.status))) {
      tx.op.set(stateKey, state, { expireIn: dayMs });
    }
    return false;
  });
  return { jobId: query.job, status: state.status, duplicate };
}

/** The latest state a webhook stored for `jobId`. */
export async function webhookState(kv: KvStore, jobId: string): Promise<RemoteVideoState | null> {
  return (await kv.get<RemoteVideoState>(docToVideoKeys.providerState(jobId))).value;
}
