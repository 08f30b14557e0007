/**
 * kill -9 mid-batch: the real server process dies while converting; after a restart the batch
 * finishes, and the files converted before the crash are not converted again (their JPEGs keep
 * their original modification time).
 */
import assert from "node:assert/strict";
import { testAdminToken } from "../support/kiln.ts";
import { startServerProcess } from "../support/server_process.ts";
import { waitFor } from "../support/wait.ts";
import { encodeTiff } from "./tiff_fixtures.ts";

function startServer(dataDir: string) {
  return startServerProcess(dataDir, {
    KILN_JOB_LEASE_MS: "1000",
    KILN_JOB_SWEEP_MS: "200",
    // The kill plays an external one: the files in flight may survive one process death.
    KILN_JOB_CRASH_RETRIES: "1",
    PREPROCESS_WORKERS: "1",
  });
}

const admin = { authorization: `Bearer ${testAdminToken}` };

async function batchStatus(url: string) {
  return await (await fetch(`${url}/preprocess/status/crash?detail=1`, { headers: admin })).json();
}

Deno.test("a batch survives kill -9 and resumes without converting finished files again", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "kiln-preprocess-crash-" });
  try {
    const first = await startServer(dataDir);
    const files = [];
    for (let index = 0; index < 24; index++) {
      const tiff = await encodeTiff({
        pages: [{ width: 700, height: 500, colour: "rgb", compression: "deflate" }],
      });
      const key = `staging/crash/scan-${index}.tif`;
      const put = await fetch(`${first.url}/preprocess/blobs/${key}`, {
        method: "PUT",
        body: tiff as BodyInit,
        headers: admin,
      });
      assert.equal(put.status, 201);
      await put.body?.cancel();
      files.push({ r2_key: key, file_name: `scan-${index}.tif`, file_size: tiff.length });
    }
    const submitted = await fetch(`${first.url}/preprocess/batches`, {
      method: "POST",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({ batch_id: "crash", files }),
    });
    assert.equal(submitted.status, 202);
    await submitted.body?.cancel();

    const before = await waitFor("a few tasks to complete", async () => {
      const body = await batchStatus(first.url);
      return body.progress.tasks_completed >= 3 ? body : undefined;
    }, 20_000);
    first.child.kill("SIGKILL");
    await first.child.status;
    await first.finished;
    const converted = (await completedOutputs(dataDir, before)).filter(Boolean);
    assert.ok(converted.length >= 3 && converted.length < 24, `killed mid-batch (${converted.length} done)`);

    const second = await startServer(dataDir);
    try {
      const done = await waitFor("the batch to finish after restart", async () => {
        const body = await batchStatus(second.url);
        return body.status === "DONE" ? body : undefined;
      }, 30_000);
      assert.deepEqual(done.progress, { tasks_total: 24, tasks_completed: 24, tasks_failed: 0 });
      for (const { key, modified } of converted) {
        const after = (await Deno.stat(`${dataDir}/blobs/${key}`)).mtime?.getTime();
        assert.equal(after, modified, `${key} was converted again after the restart`);
      }
    } finally {
      second.child.kill("SIGTERM");
      await second.child.status;
      await second.finished;
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

/** The JPEGs of tasks that were complete before the crash, with their modification times. */
async function completedOutputs(
  dataDir: string,
  body: { tasks: { status: string; outputs: { key: string }[] }[] },
) {
  const completed = body.tasks.filter((task) => task.status === "completed");
  return await Promise.all(completed.map(async (task) => ({
    key: task.outputs[0].key,
    modified: (await Deno.stat(`${dataDir}/blobs/${task.outputs[0].key}`)).mtime?.getTime(),
  })));
}
