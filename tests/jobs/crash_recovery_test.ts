/**
 * The real thing: a worker process is killed with SIGKILL while its job runs. By default the job may
 * be what killed it (a poison job), so the next process fails it with `process_crashed` and starts
 * normally; with `crashRetries: 1` the next process finishes it instead, without repeating the
 * checkpointed side effect.
 */
import { jobKeys } from "../../lib/jobs/keys.ts";
import { newTestLocation, openTestStore } from "../support/backend.ts";
import type { JobRecord } from "../../lib/jobs/types.ts";
import type { KvStore } from "../../lib/store/types.ts";
import { assertEquals, assertStrictEquals } from "./helpers.ts";

const fixture = new URL("../fixtures/jobs/crash_worker.ts", import.meta.url).pathname;
const repoRoot = new URL("../../", import.meta.url).pathname;

interface Worker {
  child: Deno.ChildProcess;
  /** Resolves with the first stdout line matching `pattern`; rejects (and kills) after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Everything the worker logged on stderr (for failure messages). */
  logs(): string;
  /** Waits for the process to exit on its own (killing it after `timeoutMs`). */
  exit(timeoutMs: number): Promise<Deno.CommandStatus>;
  /** Kills (if still running) and waits for the process and both streams to end. */
  close(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

function spawnWorker(args: string[], env: Record<string, string> = {}): Worker {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-kv", fixture, ...args],
    cwd: repoRoot,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const stderrDone = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => void (stderr += chunk) }),
  ).catch(() => {});
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });

  return {
    child,
    async waitForLine(pattern, timeoutMs) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; logs:\n${stderr}`)),
          timeoutMs,
        );
      });
      const read = async () => {
        while (true) {
          const newline = buffered.indexOf("\n");
          if (newline >= 0) {
            const line = buffered.slice(0, newline);
            buffered = buffered.slice(newline + 1);
            const match = line.match(pattern);
            if (match) return match;
            continue;
          }
          const { value, done } = await lines.read();
          if (done) throw new Error(`worker exited before printing ${pattern}; logs:\n${stderr}`);
          buffered += value;
        }
      };
      try {
        return await Promise.race([read(), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    logs: () => stderr,
    async exit(timeoutMs) {
      const timer = setTimeout(() => !exited && child.kill("SIGKILL"), timeoutMs);
      try {
        return await status;
      } finally {
        clearTimeout(timer);
      }
    },
    async close(signal: Deno.Signal = "SIGKILL") {
      if (!exited) {
        try {
          child.kill(signal);
        } catch { /* already gone */ }
      }
      const result = await status;
      await lines.cancel().catch(() => {});
      await stderrDone;
      return result;
    },
  };
}

/** Starts the job in a first process and kills it with SIGKILL mid-attempt; returns the job id. */
async function killMidJob(path: string): Promise<string> {
  const first = spawnWorker([path, "start"]);
  try {
    const [, id, attempt] = await first.waitForLine(/^RUNNING (\S+) (\d+)$/, 15_000);
    assertStrictEquals(attempt, "1");
    return id;
  } finally {
    const status = await first.close("SIGKILL");
    assertStrictEquals(status.signal, "SIGKILL");
  }
}

/** Runs a second process until the job is terminal; returns its final status and the logs. */
async function resume(path: string, jobId: string, env: Record<string, string>) {
  const second = spawnWorker([path, "resume", jobId], env);
  try {
    const [, status] = await second.waitForLine(/^DONE (\S+)$/, 15_000);
    assertStrictEquals(
      (await second.exit(5_000)).code,
      0,
      `the worker did not exit cleanly:\n${second.logs()}`,
    );
    return { status, logs: second.logs() };
  } finally {
    await second.close();
  }
}

async function withStore<T>(path: string, read: (kv: KvStore) => Promise<T>): Promise<T> {
  const store = await openTestStore({ location: path });
  try {
    return await read(store.kv);
  } finally {
    await store.close(); // also drops a Postgres schema
  }
}

Deno.test("a job whose process was killed mid-attempt is quarantined as a dead letter, not run again", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kiln-crash-" });
  const path = newTestLocation(dir);
  try {
    const jobId = await killMidJob(path);
    const { status, logs } = await resume(path, jobId, {});
    assertStrictEquals(status, "failed", logs);
    await withStore(path, async (kv) => {
      const job = (await kv.get<JobRecord>(jobKeys.job(jobId))).value;
      assertStrictEquals(job?.status, "failed");
      assertStrictEquals(job?.attempts, 1); // never started again
      assertStrictEquals(job?.error?.code, "process_crashed");
      // Kept for an admin: in the dead-letter index, with the effect of its one attempt intact.
      let deadLetters = 0;
      for await (const entry of kv.list({ prefix: jobKeys.deadPrefix })) {
        if (entry.key[3] === jobId) deadLetters++;
      }
      assertStrictEquals(deadLetters, 1);
      assertEquals((await kv.get<Deno.KvU64>(["effects", jobId])).value?.value, 1n);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("with crashRetries 1 a killed job survives: another process finishes it, the effect happens once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kiln-crash-" });
  const path = newTestLocation(dir);
  try {
    const jobId = await killMidJob(path);
    const { status, logs } = await resume(path, jobId, { CRASH_RETRIES: "1" });
    assertStrictEquals(status, "succeeded", logs);
    if (!logs.includes('"event":"job_recovered"')) throw new Error(`no recovery logged:\n${logs}`);
    await withStore(path, async (kv) => {
      const job = (await kv.get<JobRecord>(jobKeys.job(jobId))).value;
      assertStrictEquals(job?.status, "succeeded");
      assertStrictEquals(job?.attempts, 2);
      assertStrictEquals(job?.crashes, 1);
      assertEquals(job?.result, { resumedOnAttempt: 2 });
      assertEquals((await kv.get<Deno.KvU64>(["effects", jobId])).value?.value, 1n);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
