/**
 * The generic job routes as a client sees them: start the sample job, follow it over SSE (and
 * resume with Last-Event-ID), cancel it, read dead letters and retry one as an admin.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { PermanentJobError } from "../../lib/jobs/types.ts";
import { testKiln } from "../support/kiln.ts";
import { openSse } from "../support/sse_client.ts";
import { waitFor } from "../support/wait.ts";

async function startDemo(kiln: Awaited<ReturnType<typeof testKiln>>, steps = 3) {
  const response = await kiln.request("/api/demo/jobs", { json: { steps } });
  assert.equal(response.status, 202);
  return await response.json() as {
    job: { id: string; status: string };
    status_url: string;
    events_url: string;
  };
}

Deno.test("a started job streams its progress to the end over SSE, and a reconnect resumes", async () => {
  await using kiln = await testKiln();
  const baseUrl = kiln.listen();
  const started = await startDemo(kiln);
  assert.equal(started.job.status, "queued");

  const stream = await openSse(`${baseUrl}${started.events_url}`);
  assert.match(stream.response.headers.get("content-type") ?? "", /^text\/event-stream/);
  await stream.until(
    (messages) => messages.some((message) => message.data?.includes('"succeeded"')),
    "the job to succeed",
  );
  await stream.ended("the server to end the stream after the terminal event");
  const events = stream.events().map((message) => ({
    ...JSON.parse(message.data!),
    seq: Number(message.id),
  }));
  assert.ok(events.every((event, index) => index === 0 || event.seq > events[index - 1].seq), "ids increase");
  const progress = events.map((event) => event.progress);
  assert.deepEqual(progress, [...progress].sort((a, b) => a - b), "progress never goes backwards");
  assert.equal(events.at(-1).progress, 100);

  // A client that saw up to the middle gets exactly the events after it.
  const middle = events[Math.floor(events.length / 2)];
  const resumed = await openSse(`${baseUrl}${started.events_url}`, { "last-event-id": String(middle.seq) });
  const expected = events.filter((event) => event.seq > middle.seq).map((event) => event.seq);
  await resumed.until(() => resumed.ids().length >= expected.length, "the missed events");
  await resumed.ended("the resumed stream to end at the terminal event");
  assert.deepEqual(resumed.ids(), expected);

  // A client that already has the terminal event is told there is nothing more: 204 stops EventSource.
  const last = String(events.at(-1).seq);
  for (
    const [url, headers] of [
      [`${baseUrl}${started.events_url}`, { "last-event-id": last }],
      [`${baseUrl}${started.events_url}?lastEventId=${last}`, {}],
    ] as const
  ) {
    const caughtUp = await fetch(url, { headers });
    assert.equal(caughtUp.status, 204);
    assert.equal(await caughtUp.text(), "");
  }
  // A new client still gets the finished job once, then the end.
  const late = await openSse(`${baseUrl}${started.events_url}`);
  await late.ended("a late stream to end after the job's final state");
  assert.deepEqual(late.events().map((message) => JSON.parse(message.data!).status), ["succeeded"]);

  const status = await (await kiln.request(started.status_url)).json();
  assert.equal(status.status, "succeeded");
  assert.equal(status.input, undefined, "the public view hides the input");
});

Deno.test("a running job can be cancelled and stays cancelled", async () => {
  await using kiln = await testKiln();
  const started = await startDemo(kiln, 10);
  await waitFor(
    "the job to run",
    async () => (await kiln.services.jobs.get(started.job.id))?.status === "running",
  );
  const cancelled = await kiln.request(started.status_url, { method: "DELETE" });
  assert.equal((await cancelled.json()).status, "cancelled");
  const job = await kiln.services.jobs.get(started.job.id);
  assert.equal(job?.status, "cancelled");
});

Deno.test("unknown and owned jobs are indistinguishable 404s to strangers", async () => {
  await using kiln = await testKiln();
  kiln.services.jobs.define("test.owned", z.object({}), () => Promise.resolve({ secret: "mine" }));
  const owned = await kiln.services.jobs.enqueue("test.owned", {}, { owner: "user:alice" });
  for (const id of ["aaaaaaaaaaaaaaaaaaaaaaaaaa", owned.id]) {
    const response = await kiln.request(`/api/jobs/${id}`);
    assert.equal(response.status, 404);
    assert.equal((await response.json()).code, "job_not_found");
  }
  const asAdmin = await kiln.request(`/api/jobs/${owned.id}`, { admin: true });
  assert.equal(asAdmin.status, 200);
});

Deno.test("failed jobs are listed as dead letters and an admin can retry them", async () => {
  await using kiln = await testKiln();
  let calls = 0;
  kiln.services.jobs.define("test.flaky", z.object({ n: z.number() }), () => {
    calls++;
    if (calls === 1) throw new PermanentJobError("upstream said no", "upstream_refused");
    return Promise.resolve({ ok: true });
  });
  const job = await kiln.services.jobs.enqueue("test.flaky", { n: 1 });
  await waitFor("the job to fail", async () => (await kiln.services.jobs.get(job.id))?.status === "failed");

  assert.equal((await kiln.request("/api/admin/jobs")).status, 401);
  const dead = await (await kiln.request("/api/admin/jobs?kind=test.flaky", { admin: true })).json();
  assert.deepEqual(dead.jobs.map((entry: { id: string }) => entry.id), [job.id]);
  assert.equal(dead.jobs[0].error, "upstream said no");

  const retried = await kiln.request(`/api/admin/jobs/${job.id}/retry`, { method: "POST", admin: true });
  assert.equal(retried.status, 202);
  await waitFor(
    "the retried job to succeed",
    async () => (await kiln.services.jobs.get(job.id))?.status === "succeeded",
  );
  const again = await kiln.request(`/api/admin/jobs/${job.id}/retry`, { method: "POST", admin: true });
  assert.equal(again.status, 409);
});

Deno.test("more than two demo jobs at once from one address is refused with 429", async () => {
  await using kiln = await testKiln();
  await startDemo(kiln, 10);
  await startDemo(kiln, 10);
  const third = await kiln.request("/api/demo/jobs", { json: { steps: 10 } });
  assert.equal(third.status, 429);
  assert.equal((await third.json()).code, "concurrency_limit");
  assert.ok(Number(third.headers.get("retry-after")) >= 1);
});
