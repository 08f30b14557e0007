/**
 * External workers and finalize: lease → signed callback; duplicate and concurrent callbacks count
 * once; unsigned ones are refused; error callbacks back off and finally fail the task; the ingest
 * service (failing twice, then OK) is told exactly once; admin reset stops a batch.
 */
import assert from "node:assert/strict";
import { signBody } from "../../lib/preprocess/signing.ts";
import type { TestKiln } from "../support/kiln.ts";
import { waitFor } from "../support/wait.ts";
import { preprocessKiln, status, waitForBatch } from "./helpers.ts";

const secret = "test-callback-secret-0123456789abcdef-0123";
const serviceToken = "test-service-token-0123456789abcdef-012345";

function files(batchId: string, count: number) {
  return Array.from({ length: count }, (_, index) => ({
    r2_key: `staging/${batchId}/page-${index}.tif`,
    file_name: `page-${index}.tif`,
    file_size: 100,
  }));
}

async function lease(kiln: TestKiln) {
  const response = await kiln.request("/preprocess/tasks/next", {
    headers: { authorization: `Bearer ${serviceToken}` },
  });
  if (response.status === 204) return null;
  assert.equal(response.status, 200);
  return await response.json();
}

async function callback(kiln: TestKiln, url: string, body: unknown, sign = true) {
  const text = JSON.stringify(body);
  const path = new URL(url).pathname;
  return await kiln.request(path, {
    method: "POST",
    body: text,
    headers: {
      "content-type": "application/json",
      ...(sign ? { "x-kiln-signature": await signBody(secret, text) } : {}),
    },
  });
}

/** What the worker uploads before it calls back: its JPEG (the size finalize must report). */
const jpegBytes = new Uint8Array(1_234).fill(7);
async function uploadOutput(kiln: TestKiln, contract: { OUTPUT_R2_KEY: string }) {
  await kiln.services.blobs.put(contract.OUTPUT_R2_KEY, jpegBytes, { contentType: "image/jpeg" });
}

function success(contract: { TASK_ID: string; BATCH_ID: string; OUTPUT_R2_KEY: string }) {
  return {
    task_id: contract.TASK_ID,
    batch_id: contract.BATCH_ID,
    status: "success",
    output_r2_key: contract.OUTPUT_R2_KEY,
    output_file_name: contract.OUTPUT_R2_KEY.split("/").pop(),
    output_file_size: 524288,
    performance: { total_time_ms: 1234 },
  };
}

function fakeIngest(failures: number) {
  const received: { path: string; body: Record<string, unknown>; signature: string | null }[] = [];
  let calls = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    calls++;
    const text = await request.text();
    if (calls <= failures) return new Response("busy", { status: 503 });
    received.push({
      path: new URL(request.url).pathname,
      body: JSON.parse(text),
      signature: request.headers.get("x-kiln-signature"),
    });
    return Response.json({ ok: true });
  });
  return { server, received, url: `http://127.0.0.1:${server.addr.port}`, calls: () => calls };
}

Deno.test("external workers: signed callbacks complete tasks once, and ingest hears about the batch exactly once", async () => {
  const ingest = fakeIngest(2);
  try {
    await using kiln = await preprocessKiln({ PREPROCESS_WORKERS: "0", WORKER_URL: ingest.url });
    const submitted = await kiln.request("/preprocess/batches", {
      json: {
        batch_id: "ext1",
        files: [...files("ext1", 3), { r2_key: "staging/ext1/a.pdf", file_name: "a.pdf", file_size: 9 }],
      },
      headers: { authorization: `Bearer ${serviceToken}` },
    });
    assert.equal(submitted.status, 202);

    const first = await lease(kiln);
    assert.equal(first.BATCH_ID, "ext1");
    assert.match(first.CALLBACK_URL, /\/preprocess\/callback\/ext1\/ext1_tiff_\d$/);

    assert.equal((await callback(kiln, first.CALLBACK_URL, success(first), false)).status, 401);
    const forged = await kiln.request(new URL(first.CALLBACK_URL).pathname, {
      method: "POST",
      body: JSON.stringify(success(first)),
      headers: {
        "x-kiln-signature": await signBody(
          "wrong-secret-wrong-secret-wrong-secret",
          JSON.stringify(success(first)),
        ),
      },
    });
    assert.equal(forged.status, 401);

    // A success whose JPEG is not in the blob store is not taken: the task goes back to pending.
    const unproven = await (await callback(kiln, first.CALLBACK_URL, success(first))).json();
    assert.deepEqual(unproven, { applied: true, task_status: "pending" });
    await uploadOutput(kiln, first);

    // The same success delivered five times at once, then once more late: counted once.
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => callback(kiln, first.CALLBACK_URL, success(first))),
    );
    const applied = await Promise.all(concurrent.map(async (response) => (await response.json()).applied));
    assert.equal(applied.filter(Boolean).length, 1);
    assert.equal((await (await callback(kiln, first.CALLBACK_URL, success(first))).json()).applied, false);
    assert.deepEqual((await status(kiln, "ext1")).progress, {
      tasks_total: 3,
      tasks_completed: 1,
      tasks_failed: 0,
    });

    const second = await lease(kiln);
    const third = await lease(kiln);
    assert.notEqual(second.TASK_ID, third.TASK_ID);
    assert.equal(await lease(kiln), null, "every task is leased");
    await uploadOutput(kiln, second);
    await callback(kiln, second.CALLBACK_URL, success(second));
    const error = {
      task_id: third.TASK_ID,
      batch_id: "ext1",
      status: "error",
      error: "Failed to download TIFF: 404",
    };
    assert.equal((await (await callback(kiln, third.CALLBACK_URL, error)).json()).task_status, "pending");
    const retried = await waitFor(
      "the failed task to be offered again after its backoff",
      async () => (await lease(kiln)) ?? undefined,
    );
    assert.equal(retried.TASK_ID, third.TASK_ID);
    assert.equal(retried.ATTEMPT, 2);
    await uploadOutput(kiln, third);
    await callback(kiln, third.CALLBACK_URL, success(third));

    const done = await waitForBatch(kiln, "ext1");
    assert.equal(done.status, "DONE");
    assert.deepEqual(done.progress, { tasks_total: 3, tasks_completed: 3, tasks_failed: 0 });
    await waitFor(
      "finalize to be acknowledged",
      () => ingest.received.length === 1 ? true : undefined,
      8_000,
    );
    const [finalize] = ingest.received;
    assert.equal(finalize.path, "/api/batches/ext1/enqueue-processed");
    assert.match(finalize.signature ?? "", /^t=\d+,v1=[0-9a-f]{64}$/);
    const processed = finalize.body.files as {
      r2_key: string;
      file_size: number;
      preprocessor_tags?: string[];
    }[];
    assert.deepEqual(processed.map((file) => file.r2_key).sort(), [
      "staging/ext1/a.pdf",
      "staging/ext1/page-0.jpg",
      "staging/ext1/page-0.tif",
      "staging/ext1/page-1.jpg",
      "staging/ext1/page-1.tif",
      "staging/ext1/page-2.jpg",
      "staging/ext1/page-2.tif",
    ]);
    const jpegs = processed.filter((file) => file.r2_key.endsWith(".jpg"));
    assert.deepEqual(
      jpegs.map((file) => file.file_size),
      [1_234, 1_234, 1_234],
      "measured, not the claimed 524288",
    );
    assert.deepEqual(jpegs[0].preprocessor_tags, ["TiffConverter"]);
    assert.equal(ingest.calls(), 3, "two failures, then one acknowledged call");
    // A late duplicate callback after DONE changes nothing and never re-finalizes.
    await callback(kiln, first.CALLBACK_URL, success(first));
    assert.equal(ingest.calls(), 3);
  } finally {
    await ingest.server.shutdown();
  }
});

Deno.test("error callbacks past MAX_RETRY_ATTEMPTS fail the task; all failed makes the batch ERROR", async () => {
  await using kiln = await preprocessKiln({ PREPROCESS_WORKERS: "0", MAX_RETRY_ATTEMPTS: "2" });
  await kiln.request("/preprocess/batches", {
    json: { batch_id: "ext2", files: files("ext2", 1) },
    admin: true,
  });
  for (let attempt = 1; attempt <= 2; attempt++) {
    const contract = await waitFor("a lease", async () => (await lease(kiln)) ?? undefined);
    assert.equal(contract.ATTEMPT, attempt);
    await callback(kiln, contract.CALLBACK_URL, {
      task_id: contract.TASK_ID,
      batch_id: "ext2",
      status: "error",
      error: "out of memory",
    });
  }
  const done = await status(kiln, "ext2", true);
  assert.equal(done.status, "ERROR");
  assert.equal(done.error, "All 1 tasks failed.");
  assert.equal(done.tasks![0].error, "out of memory");
});

Deno.test("auth: submit needs admin or the service token; status needs a principal or the view token; reset is admin", async () => {
  await using kiln = await preprocessKiln({ PREPROCESS_WORKERS: "0" });
  const body = { batch_id: "auth1", files: files("auth1", 2) };
  assert.equal((await kiln.request("/preprocess/batches", { json: body })).status, 401);
  const accepted = await (await kiln.request("/preprocess/batches", { json: body, admin: true })).json();
  assert.equal((await kiln.request("/preprocess/status/auth1")).status, 401);
  assert.equal((await kiln.request("/preprocess/status/auth1?token=nope")).status, 401);
  const viaToken = await kiln.request(
    new URL(accepted.status_url).pathname + new URL(accepted.status_url).search,
  );
  assert.equal(viaToken.status, 200);
  assert.deepEqual(Object.keys(await viaToken.json()), [
    "batch_id",
    "status",
    "progress",
    "started_at",
    "updated_at",
    "completed_at",
    "error",
  ]);
  assert.equal((await kiln.request("/preprocess/status/nope", { admin: true })).status, 404);
  assert.equal(
    (await kiln.request("/preprocess/batches", { json: { batch_id: "../x", files: [] }, admin: true }))
      .status,
    422,
  );
  const forbidden = await kiln.request("/preprocess/admin/reset/auth1", {
    method: "POST",
    headers: { authorization: `Bearer ${serviceToken}` },
  });
  assert.equal(forbidden.status, 401);
  const reset = await kiln.request("/preprocess/admin/reset/auth1", { method: "POST", admin: true });
  assert.equal(reset.status, 200);
  assert.equal((await reset.json()).status, "ERROR");
  assert.equal(await lease(kiln), null, "a reset batch hands out no more tasks");
});
