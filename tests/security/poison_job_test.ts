/**
 * A job that takes the whole process down (here: a heap blow-up, as the audit's PDF did) is not run
 * again on the next start: the server starts normally, answers at once, and keeps the job as a dead
 * letter with `process_crashed` for an admin to inspect.
 */
import assert from "node:assert/strict";
import { testAdminToken } from "../support/kiln.ts";
import { startServerProcess } from "../support/server_process.ts";
import { waitFor } from "../support/wait.ts";

const env = {
  KILN_JOB_LEASE_MS: "1000",
  KILN_JOB_SWEEP_MS: "200",
  DENO_V8_FLAGS: "--max-old-space-size=192",
};
const script = "tests/fixtures/security/poison_server.ts";
const admin = { authorization: `Bearer ${testAdminToken}` };

Deno.test("a poison job crashes the server once; the restarted server quarantines it and serves", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "kiln-poison-" });
  try {
    const first = await startServerProcess(dataDir, env, { script });
    const response = await fetch(`${first.url}/test/poison`, { method: "POST", headers: admin });
    assert.equal(response.status, 201);
    const { id } = await response.json();
    const status = await first.child.status; // the job takes the process down
    await first.finished;
    assert.equal(status.success, false);
    assert.ok(first.lines.some((line) => line.event === "poison_started"));

    const second = await startServerProcess(dataDir, env, { script });
    try {
      // Serving: a health check may report a dependency still warming up on a loaded machine
      // (503 with its checks), never a dead process.
      await waitFor("the restarted server to report healthy", async () => {
        const health = await fetch(`${second.url}/health`);
        await health.body?.cancel();
        return health.status === 200;
      }, 10_000);
      const job = await waitFor("the poison job to be quarantined", async () => {
        const read = await fetch(`${second.url}/api/jobs/${id}`, { headers: admin });
        const body = await read.json();
        return body.status === "failed" ? body : undefined;
      }, 15_000);
      assert.equal(job.errorCode, "process_crashed");
      assert.equal(job.attempts, 1);
      assert.ok(!second.lines.some((line) => line.event === "poison_started"), "the poison job ran again");
      const deadLetters =
        await (await fetch(`${second.url}/api/admin/jobs?kind=test.poison`, { headers: admin }))
          .json();
      assert.deepEqual(deadLetters.jobs.map((dead: { id: string }) => dead.id), [id]);
      // Still serving, still alive.
      const again = await fetch(`${second.url}/health`);
      assert.ok(again.status === 200 || again.status === 503, `health answered ${again.status}`);
      await again.body?.cancel();
    } finally {
      await second.stop();
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
