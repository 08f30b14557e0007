/**
 * The real thing: a worker process is killed with SIGKILL while its job runs; a second process over
 * the same KV file must finish the job, without repeating the checkpointed side effect.
 */
import { jobKeys } from "../../lib/jobs/keys.ts";
import { newTestLocation, openTestStore } from "../support/backend.ts";
import type { JobRecord } from "../../lib/jobs/types.ts";
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

function spawnWorker(...args: string[]): Worker {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-kv", fixture, ...args],
    cwd: repoRoot,
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

Deno.test("a job survives kill -9 of its worker: another process finishes it, the effect happens once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kiln-crash-" });
  const path = newTestLocation(dir);
  try {
    const first = spawnWorker(path, "start");
    let jobId: string;
    try {
      const [, id, attempt] = await first.waitForLine(/^RUNNING (\S+) (\d+)$/, 15_000);
      jobId = id;
      assertStrictEquals(attempt, "1");
    } finally {
      const status = await first.close("SIGKILL");
      assertStrictEquals(status.signal, "SIGKILL");
    }

    const second = spawnWorker(path, "resume", jobId);
    try {
      const [, status] = await second.waitForLine(/^DONE (\S+)$/, 15_000);
      assertStrictEquals(status, "succeeded", second.logs());
      assertStrictEquals(
        (await second.exit(5_000)).code,
        0,
        `the worker did not exit cleanly:\n${second.logs()}`,
      );
      if (!second.logs().includes('"event":"job_recovered"')) {
        throw new Error(`no recovery logged:\n${second.logs()}`);
      }
    } finally {
      await second.close();
    }

    const store = await openTestStore({ location: path });
    const { kv } = store;
    try {
      const job = (await kv.get<JobRecord>(jobKeys.job(jobId))).value;
      assertStrictEquals(job?.status, "succeeded");
      assertStrictEquals(job?.attempts, 2);
      assertEquals(job?.result, { resumedOnAttempt: 2 });
      assertEquals((await kv.get<Deno.KvU64>(["effects", jobId])).value?.value, 1n);
    } finally {
      await store.close(); // also drops a Postgres schema
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
