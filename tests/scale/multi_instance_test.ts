/**
 * Three Kiln processes (A, B, C) on one PostgreSQL database behave like one Kiln: live display
 * updates cross instances in order, jobs run exactly once wherever they were enqueued, a SIGKILLed
 * instance's jobs are finished by the others without repeating their effects, credits cannot be
 * overspent by concurrent requests to different instances, and a preprocessing batch spreads over
 * the cluster and is finalized once. No module secret except the two the test must present is set,
 * so every scenario also relies on secrets generated once and shared through the database.
 * Postgres only: `deno task test:postgres`.
 */
import assert from "node:assert/strict";
import { verifySignature } from "../../lib/preprocess/signing.ts";
import { fakeS3 } from "../preprocess/fake_s3.ts";
import { encodeTiff } from "../preprocess/tiff_fixtures.ts";
import { postgresOnly } from "../support/backend.ts";
import { openSse } from "../support/sse_client.ts";
import { waitFor } from "../support/wait.ts";
import {
  displayServiceToken,
  engineAdminKey,
  enqueue,
  expectJson,
  fakeIngest,
  jobsOfKind,
  type Json,
  listAll,
  names,
  openSocket,
  startCluster,
} from "./_helpers.ts";

const ignore = postgresOnly("the multi-instance tests (three Kiln processes on one database)");
const range = (count: number) => Array.from({ length: count }, (_, index) => index);

Deno.test({
  name: "display: 20 updates posted to A reach an SSE client on B and a WebSocket client on C, in order",
  ignore,
  async fn() {
    await using cluster = await startCluster();
    const [a, b, c] = cluster.instances;
    const init = await expectJson(
      await a.call("/conversation/new/init", {
        json: { tenantId: "bistro", category: "restaurant" },
        headers: { authorization: `Bearer ${displayServiceToken}` },
      }),
      201,
    );
    // The read token is an HMAC under SIGNING_KEY, generated once for the cluster by whichever
    // instance got there first; the other two read it from the database.
    const generated = cluster.instances.flatMap((instance) => instance.events("secrets_generated"));
    assert.equal(
      generated.filter((line) => (line.variables as string[]).includes("SIGNING_KEY")).length,
      1,
    );
    const token = new URL(init.displayUrl).searchParams.get("token")!;
    const path = `/conversation/${init.sessionId}/display?token=${token}`;
    const sse = await openSse(`${b.url}${path}`, { accept: "text/event-stream" });
    const socket = await openSocket(`${c.url.replace("http", "ws")}${path}`).catch(async (error) => {
      await sse.close();
      throw error;
    });
    try {
      assert.equal(sse.response.status, 200);
      await sse.until((messages) => messages.some((message) => message.event === "state"), "the SSE state");
      await socket.until((messages) => messages.some((message) => message.type === "state"), "the WS state");
      for (const n of range(20)) {
        const posted = await expectJson(
          await a.call(`/conversation/${init.sessionId}/update`, {
            json: { type: "confirmation", data: { title: `update ${n + 1}` } },
            headers: { authorization: `Bearer ${displayServiceToken}` },
          }),
          201,
        );
        assert.equal(posted.seq, n + 1);
      }
      const expected = range(20).map((n) => n + 1);
      const sseUpdates = () => sse.events().filter((message) => message.event === "update");
      const wsUpdates = () => socket.messages.filter((message) => message.type === "update");
      await sse.until(() => sseUpdates().length >= 20, "20 updates over SSE on B");
      await socket.until(() => wsUpdates().length >= 20, "20 updates over WebSocket on C");
      assert.deepEqual(sseUpdates().map((message) => Number(message.id)), expected);
      assert.deepEqual(
        sseUpdates().map((message) => JSON.parse(message.data!).data.title),
        expected.map((n) => `update ${n}`),
      );
      assert.deepEqual(wsUpdates().map((message) => message.seq), expected);
      assert.deepEqual(
        wsUpdates().map((message) => message.data.data.title),
        expected.map((n) => `update ${n}`),
      );
    } finally {
      await socket.close();
      await sse.close();
    }
  },
});

Deno.test({
  name: "jobs: 2,000 jobs enqueued through A and B run exactly once each, spread over A, B and C",
  ignore,
  async fn() {
    await using cluster = await startCluster();
    const [a, b, c] = cluster.instances;
    const started = performance.now();
    const ids = (await Promise.all([enqueue(a, "scale.count", 1_000), enqueue(b, "scale.count", 1_000)]))
      .flat();
    assert.equal(new Set(ids).size, 2_000);
    const records = await waitFor("2,000 jobs to succeed", async () => {
      const records = await jobsOfKind(cluster.kv, "scale.count");
      const done = [...records.values()].filter((record) => record.status === "succeeded").length;
      return done === 2_000 ? records : undefined;
    }, 50_000);
    const elapsedMs = Math.round(performance.now() - started);

    const runs = await listAll<Deno.KvU64>(cluster.kv, ["scale_runs"]);
    assert.deepEqual(runs.map((entry) => entry.key[1]).sort(), [...ids].sort());
    const repeated = runs.filter((entry) => entry.value.value !== 1n).map((entry) => entry.key[1]);
    assert.deepEqual(repeated, [], "every handler ran exactly once");
    const ranOn = new Map<string, string>();
    const perInstance: string[] = [];
    for (const name of names) {
      const entries = await listAll<boolean>(cluster.kv, ["scale_ran_on", name]);
      assert.ok(entries.length > 0, `instance ${name} ran some jobs`);
      for (const entry of entries) ranOn.set(String(entry.key[2]), name);
      perInstance.push(`${name} ${entries.length}`);
    }
    assert.equal(ranOn.size, 2_000);
    for (const id of ids) {
      const record = records.get(id)!;
      assert.equal(record.attempts, 1);
      assert.deepEqual(record.result, { instance: ranOn.get(id) });
    }
    // The generic job route answers on any instance.
    const viewed = await expectJson(await c.call(`/api/jobs/${ids[0]}`, { admin: true }), 200);
    assert.equal(viewed.status, "succeeded");
    console.log(`2,000 jobs in ${elapsedMs} ms; ran on ${perInstance.join(", ")}`);
  },
});

Deno.test({
  name: "kill -9: the jobs of a SIGKILLed instance finish on the others, each effect exactly once",
  ignore,
  async fn() {
    // An instance lost to the machine under it, not to its jobs: they may survive one process death.
    await using cluster = await startCluster({
      KILN_JOB_LEASE_MS: "1500",
      KILN_JOB_SWEEP_MS: "300",
      KILN_JOB_CRASH_RETRIES: "1",
    });
    const ids = await enqueue(cluster.instances[2], "scale.slow", 30, { ms: 1_000 });
    // Every job has been claimed and is past its checkpoint (so no first attempt is left to start
    // mid-checkpoint when the victim dies), and some instance is still running some of them: that
    // instance is killed. Which one takes which job is Graphile's choice, so the victim is whichever
    // is busiest at that moment.
    const victimName = await waitFor("all 30 jobs started and some still running", async () => {
      const started = await listAll<number>(cluster.kv, ["scale_started"]);
      if (new Set(started.map((entry) => entry.key[1])).size < ids.length) return undefined;
      const finished = new Set((await listAll(cluster.kv, ["scale_finished"])).map((entry) => entry.key[1]));
      const running = new Map<string, number>();
      for (const entry of started) {
        if (finished.has(entry.key[1])) continue;
        const name = String(entry.key[2]);
        running.set(name, (running.get(name) ?? 0) + 1);
      }
      return [...running].sort((x, y) => y[1] - x[1])[0]?.[0];
    }, 15_000);
    const victim = cluster.instances.find((instance) => instance.name === victimName)!;
    const survivors = cluster.instances.filter((instance) => instance !== victim);
    await victim.kill();
    const killedAt = performance.now();

    const records = await waitFor("all 30 jobs to succeed on the survivors", async () => {
      const records = await jobsOfKind(cluster.kv, "scale.slow");
      const done = [...records.values()].filter((record) => record.status === "succeeded").length;
      return done === ids.length ? records : undefined;
    }, 30_000);
    const recoveryMs = Math.round(performance.now() - killedAt);

    // The effect ran inside checkpoint("effect"): a recovering attempt gets the victim's stored result.
    const effects = await listAll<Deno.KvU64>(cluster.kv, ["scale_effects"]);
    assert.equal(effects.length, ids.length);
    assert.deepEqual(effects.filter((entry) => entry.value.value !== 1n).map((entry) => entry.key[1]), []);
    // The jobs the victim had started and not finished are exactly the ones run again, elsewhere.
    const startedOnVictim = (await listAll(cluster.kv, ["scale_started"]))
      .filter((entry) => entry.key[2] === victim.name).map((entry) => String(entry.key[1]));
    const takenOver = startedOnVictim.filter((id) =>
      (records.get(id)!.result as Json).instance !== victim.name
    )
      .sort();
    const rerun = [...records.values()].filter((record) => record.attempts > 1).map((record) => record.id)
      .sort();
    assert.ok(takenOver.length > 0, `${victim.name} was running jobs when it died`);
    assert.deepEqual(rerun, takenOver);
    const recovered = survivors.flatMap((instance) => instance.events("job_recovered"));
    for (const id of takenOver) {
      assert.ok(recovered.some((line) => line.jobId === id), `a survivor recovered ${id}`);
    }
    assert.equal((await listAll(cluster.kv, ["jobs", "step"])).length, 0, "checkpoints are cleaned up");
    console.log(
      `kill -9: ${takenOver.length} jobs of ${victim.name} finished elsewhere; all done ${recoveryMs} ms after the kill`,
    );
  },
});

Deno.test({
  name: "credits: 60 concurrent vends over A, B and C for a user holding 5 credits: exactly 5 succeed",
  ignore,
  async fn() {
    await using cluster = await startCluster({ ENGINE_VEND_LIMIT_PER_HOUR: "1000" });
    const [a, b, c] = cluster.instances;
    const asEngineAdmin = { "x-api-key": engineAdminKey };
    // Signed on A with the generated ENGINE_JWT_SECRET; B and C must accept it.
    const minted = await expectJson(
      await a.call("/v1/admin/users/dana/token", { json: {}, headers: asEngineAdmin }),
      201,
    );
    const asDana = { authorization: `Bearer ${minted.token}` };
    await expectJson(
      await b.call("/v1/credits/add", { json: { userId: "dana", amount: 5 }, headers: asEngineAdmin }),
      201,
    );

    const responses = await Promise.all(
      range(60).map((n) => cluster.instances[n % 3].call("/v1/vend-token", { json: {}, headers: asDana })),
    );
    const bodies: Json[] = await Promise.all(responses.map((response) => response.json()));
    const statuses = responses.map((response) => response.status);
    assert.equal(statuses.filter((status) => status === 200).length, 5, JSON.stringify(statuses));
    assert.equal(statuses.filter((status) => status === 402).length, 55, JSON.stringify(bodies));
    const vended = bodies.filter((body) => body.token);
    assert.equal(new Set(vended.map((body) => body.token)).size, 5);
    assert.deepEqual(vended.map((body) => body.balanceAfter).sort(), [0, 1, 2, 3, 4]);

    const balance = await expectJson(await c.call("/v1/credits/balance", { headers: asDana }), 200);
    assert.equal(balance.balance, 0);
    assert.equal(balance.availableCredits, 0);
    const ledger = await expectJson(
      await b.call("/v1/credits/transactions?limit=100", { headers: asDana }),
      200,
    );
    assert.equal(ledger.items.filter((entry: Json) => entry.type === "charge").length, 5);
    assert.ok(
      ledger.items.every((entry: Json) => entry.balanceAfter >= 0),
      "the balance never went negative",
    );
  },
});

Deno.test({
  name: "preprocess: a 12-TIFF batch posted to A converts across instances, reaches DONE, is finalized once",
  ignore,
  async fn() {
    const s3 = fakeS3();
    const ingest = fakeIngest();
    try {
      await using cluster = await startCluster({
        BLOB_STORE: "s3",
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: "arke-staging",
        S3_ACCESS_KEY_ID: "AKIDTEST",
        S3_SECRET_ACCESS_KEY: "secret-test-key",
        WORKER_URL: ingest.url,
        PREPROCESS_WORKERS: "1",
        PREPROCESS_RETRY_DELAYS_MS: "20,40",
      });
      const [a, b] = cluster.instances;
      const files = [];
      for (const n of range(12)) {
        const bytes = await encodeTiff({ pages: [{ width: 320 + n, height: 240, colour: "rgb" }] });
        const key = `staging/scale1/scan-${n}.tif`;
        s3.objects.set(key, { bytes, type: "image/tiff" });
        files.push({ r2_key: key, file_name: `scan-${n}.tif`, file_size: bytes.length });
      }
      const accepted = await expectJson(
        await a.call("/preprocess/batches", { json: { batch_id: "scale1", files }, admin: true }),
        202,
      );
      // A view token minted on A with the generated PREPROCESS_CALLBACK_SECRET opens on B.
      const statusPath = new URL(accepted.status_url).pathname + new URL(accepted.status_url).search;
      const done = await waitFor("the batch to finish", async () => {
        const body = await expectJson(await b.call(statusPath), 200);
        return body.status === "DONE" || body.status === "ERROR" ? body : undefined;
      }, 40_000);
      assert.equal(done.status, "DONE");
      assert.deepEqual(done.progress, { tasks_total: 12, tasks_completed: 12, tasks_failed: 0 });
      for (const n of range(12)) assert.ok(s3.objects.has(`staging/scale1/scan-${n}.jpg`), `JPEG ${n} on S3`);

      const converters = new Set(
        cluster.instances.filter((instance) =>
          instance.events("job_started").some((line) => line.kind === "preprocess.task")
        ).map((instance) => instance.name),
      );
      assert.ok(converters.size >= 2, `conversions ran on ${[...converters]}`);
      console.log(`preprocess: conversions ran on ${[...converters].join(", ")}`);

      await waitFor("finalize to succeed", async () => {
        const finalize = [...(await jobsOfKind(cluster.kv, "preprocess.finalize")).values()];
        return finalize.length === 1 && finalize[0].status === "succeeded";
      }, 15_000);
      assert.equal(ingest.received.length, 1, "ingest is told exactly once");
      const [call] = ingest.received;
      assert.equal(call.path, "/api/batches/scale1/enqueue-processed");
      // Arke's manifest keeps each source TIFF (tagged `:source`) beside the JPEG made from it.
      const listed: { r2_key: string }[] = JSON.parse(call.body).files;
      assert.equal(listed.length, 24);
      for (const n of range(12)) {
        assert.ok(
          listed.some((file) => file.r2_key === `staging/scale1/scan-${n}.tif`),
          `source ${n} listed`,
        );
        assert.ok(listed.some((file) => file.r2_key === `staging/scale1/scan-${n}.jpg`), `JPEG ${n} listed`);
      }
      const secret = (await cluster.kv.get<string>(["secrets", "PREPROCESS_CALLBACK_SECRET"])).value!;
      assert.ok(await verifySignature(secret, call.body, call.signature), "signed with the shared secret");
    } finally {
      await ingest.close();
      await s3.server.shutdown();
    }
  },
});
