/**
 * Graceful shutdown of the real server process: SIGTERM stops accepting, releases the running job
 * (without counting the attempt) and exits 0; the next start resumes the job at once and finishes it.
 */
import assert from "node:assert/strict";
import { testAdminToken } from "./support/kiln.ts";
import { type ServerProcess, startServerProcess } from "./support/server_process.ts";
import { deadline, waitFor } from "./support/wait.ts";

async function startServer(dataDir: string): Promise<ServerProcess> {
  return await startServerProcess(dataDir, {
    KILN_SHUTDOWN_GRACE_MS: "100",
    KILN_JOB_LEASE_MS: "60000", // resuming must not depend on a lease running out
  });
}

async function jobStatus(server: ServerProcess, id: string) {
  return await (await fetch(`${server.url}/api/jobs/${id}`, {
    headers: { authorization: `Bearer ${testAdminToken}` },
  })).json();
}

Deno.test("SIGTERM releases a running job and the next start finishes it", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "kiln-shutdown-" });
  try {
    const first = await startServer(dataDir);
    const response = await fetch(`${first.url}/api/demo/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ steps: 6 }),
    });
    const { job } = await response.json();
    await waitFor("the job to run", async () => (await jobStatus(first, job.id)).status === "running");

    first.child.kill("SIGTERM");
    const exit = await deadline(first.child.status, "the server to exit after SIGTERM", 10_000);
    await first.finished;
    assert.equal(exit.code, 0);
    assert.ok(first.lines.some((line) => line.event === "shutdown_finished"), "logged a clean shutdown");
    assert.ok(
      first.lines.some((line) => line.event === "job_released" && line.jobId === job.id),
      "released the job",
    );

    const second = await startServer(dataDir);
    try {
      const done = await waitFor("the job to finish after restart", async () => {
        const status = await jobStatus(second, job.id);
        return status.status === "succeeded" && status;
      }, 10_000);
      assert.equal(done.attempts, 1, "a released job is not charged an attempt");
      assert.equal(done.progress, 100);
    } finally {
      second.child.kill("SIGTERM");
      await second.child.status;
      await second.finished;
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
