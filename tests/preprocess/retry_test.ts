/**
 * Local execution retries: a TIFF that is not in the blob store yet is retried with backoff and
 * converts once it lands; one that never lands fails after MAX_RETRY_ATTEMPTS without failing the
 * batch; SSE follows the batch to DONE; the page renders with progress and thumbnails.
 */
import assert from "node:assert/strict";
import { openSse } from "../support/sse_client.ts";
import { waitFor } from "../support/wait.ts";
import { encodeTiff } from "./tiff_fixtures.ts";
import { preprocessKiln, status, upload, waitForBatch } from "./helpers.ts";

Deno.test("a missing input is retried with backoff, converts once uploaded, or fails alone after the last attempt", async () => {
  await using kiln = await preprocessKiln({ MAX_RETRY_ATTEMPTS: "3", PREPROCESS_RETRY_DELAYS_MS: "150" });
  const tiff = await encodeTiff({ pages: [{ width: 24, height: 16, colour: "rgb" }] });
  const present = await upload(kiln, "staging/r1/present.tif", tiff);
  const late = { r2_key: "staging/r1/late.tif", file_name: "late.tif", file_size: tiff.length };
  const never = { r2_key: "staging/r1/never.tif", file_name: "never.tif", file_size: 1 };
  await kiln.request("/preprocess/batches", {
    json: { batch_id: "r1", files: [present, late, never] },
    admin: true,
  });

  await waitFor("the late file's first attempt to fail", async () => {
    const tasks = (await status(kiln, "r1", true)).tasks!;
    return tasks.find((task) => task.input_r2_key.endsWith("late.tif"))?.error?.includes("not found") ||
      undefined;
  });
  await kiln.services.blobs.put("staging/r1/late.tif", tiff);

  const done = await waitForBatch(kiln, "r1");
  assert.equal(done.status, "DONE");
  assert.deepEqual(done.progress, { tasks_total: 3, tasks_completed: 2, tasks_failed: 1 });
  const byName = Object.fromEntries(done.tasks!.map((task) => [task.input_r2_key.split("/").pop(), task]));
  assert.equal(byName["late.tif"].status, "completed");
  assert.ok(byName["late.tif"].attempts >= 2);
  assert.equal(byName["never.tif"].status, "failed");
  assert.equal(byName["never.tif"].attempts, 3);
  assert.match(byName["never.tif"].error!, /Failed to download TIFF/);
});

Deno.test("live: SSE streams status events until DONE; the page shows progress and thumbnails", async () => {
  await using kiln = await preprocessKiln();
  const base = kiln.listen();
  const files = [];
  for (let index = 0; index < 4; index++) {
    files.push(
      await upload(
        kiln,
        `staging/live/p${index}.tif`,
        await encodeTiff({ pages: [{ width: 32, height: 24, colour: "rgb" }] }),
      ),
    );
  }
  const accepted =
    await (await kiln.request("/preprocess/batches", { json: { batch_id: "live", files }, admin: true }))
      .json();
  const stream = await openSse(accepted.events_url.replace(/^http:\/\/localhost:\d+/, base));
  try {
    const isDone = (data?: string) => data !== undefined && JSON.parse(data).status === "DONE";
    await stream.until(
      (messages) => messages.some((message) => isDone(message.data)),
      "a DONE status event",
      20_000,
    );
    const last = JSON.parse(stream.events().find((message) => isDone(message.data))!.data!);
    assert.ok(stream.events().length >= 2, "progress events before DONE");
    assert.deepEqual(last.progress, { tasks_total: 4, tasks_completed: 4, tasks_failed: 0 });
  } finally {
    await stream.close();
  }
  const page = await kiln.request(new URL(accepted.page_url).pathname + new URL(accepted.page_url).search);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /Batch live/);
  assert.match(html, /4 converted, 0 failed, 4 TIFF files/);
  assert.match(html, /\/preprocess\/thumbnail\/live\/live_tiff_0\/1\?token=/);
  const token = new URL(accepted.page_url).searchParams.get("token");
  const thumbnail = await kiln.request(`/preprocess/thumbnail/live/live_tiff_0/1?token=${token}`);
  assert.equal(thumbnail.headers.get("content-type"), "image/jpeg");
  assert.equal((await thumbnail.bytes())[0], 0xff);
  assert.equal((await kiln.request("/preprocess/live")).status, 401);
});
