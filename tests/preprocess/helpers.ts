/** Shared pieces of the preprocessing tests: a kiln with fast retries, and batch helpers. */
import { type TestKiln, testKiln } from "../support/kiln.ts";
import { waitFor } from "../support/wait.ts";
import type { BatchFile } from "../../lib/preprocess/types.ts";

export async function preprocessKiln(env: Record<string, string> = {}): Promise<TestKiln> {
  return await testKiln({
    PREPROCESS_WORKERS: "2",
    PREPROCESS_RETRY_DELAYS_MS: "20,40",
    PREPROCESS_CALLBACK_SECRET: "test-callback-secret-0123456789abcdef-0123",
    PREPROCESS_SERVICE_TOKEN: "test-service-token-0123456789abcdef-012345",
    ...env,
  });
}

export async function upload(kiln: TestKiln, key: string, bytes: Uint8Array): Promise<BatchFile> {
  await kiln.services.blobs.put(key, bytes);
  return { r2_key: key, file_name: key.slice(key.lastIndexOf("/") + 1), file_size: bytes.length };
}

export interface StatusBody {
  batch_id: string;
  status: string;
  progress: { tasks_total: number; tasks_completed: number; tasks_failed: number };
  completed_at: string | null;
  error: string | null;
  tasks?: {
    task_id: string;
    status: string;
    attempts: number;
    error: string | null;
    input_r2_key: string;
    outputs: { key: string; page: number; size: number; width: number; height: number }[];
  }[];
}

export async function status(kiln: TestKiln, batchId: string, detail = false): Promise<StatusBody> {
  const response = await kiln.request(`/preprocess/status/${batchId}${detail ? "?detail=1" : ""}`, {
    admin: true,
  });
  if (!response.ok) throw new Error(`status ${response.status}: ${await response.text()}`);
  return await response.json();
}

export async function waitForBatch(kiln: TestKiln, batchId: string, timeoutMs = 20_000): Promise<StatusBody> {
  return await waitFor(`batch ${batchId} to finish`, async () => {
    const body = await status(kiln, batchId, true);
    return body.status === "DONE" || body.status === "ERROR" ? body : undefined;
  }, timeoutMs);
}

export async function blobBytes(kiln: TestKiln, key: string): Promise<Uint8Array> {
  const blob = await kiln.services.blobs.get(key);
  if (!blob) throw new Error(`missing blob ${key}`);
  return new Uint8Array(await new Response(blob.body).arrayBuffer());
}
