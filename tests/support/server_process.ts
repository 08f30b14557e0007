/**
 * The real server as a child process (`main.ts` on a free port), for tests that kill it — SIGKILL
 * mid-job, SIGTERM for graceful shutdown — and start it again over the same data directory.
 */
import { testAdminToken } from "./kiln.ts";
import { waitFor } from "./wait.ts";

const root = new URL("../..", import.meta.url).pathname;

export interface ServerProcess {
  url: string;
  /** Parsed JSON log lines written so far. */
  lines: Record<string, unknown>[];
  child: Deno.ChildProcess;
  /** Resolves when the process's stdout has ended (await it after the child exits). */
  finished: Promise<void>;
  /** Sends `signal` (if it still runs) and waits for the exit and the end of its output. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

export interface ServerProcessOptions {
  /** Entry point to run instead of `main.ts` (a fixture that serves the app plus test hooks). */
  script?: string;
  /** Soft limit on the process's open file descriptors (`ulimit -n`), for exhaustion tests. */
  maxOpenFiles?: number;
}

export async function startServerProcess(
  dataDir: string,
  env: Record<string, string> = {},
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const args = ["run", "-A", options.script ?? "main.ts"];
  const command = options.maxOpenFiles === undefined ? { binary: Deno.execPath(), args } : {
    binary: "sh",
    args: ["-c", `ulimit -n ${options.maxOpenFiles} && exec "$0" "$@"`, Deno.execPath(), ...args],
  };
  const child = new Deno.Command(command.binary, {
    args: command.args,
    cwd: root,
    env: {
      PORT: "0",
      KILN_DATA_DIR: dataDir,
      ...schemaOf(dataDir),
      KILN_ADMIN_TOKEN: testAdminToken,
      KILN_ACCESS_LOG: "false",
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines: Record<string, unknown>[] = [];
  const finished = (async () => {
    let buffer = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        if (line.startsWith("{")) lines.push(JSON.parse(line));
      }
    }
  })();
  let listening: Record<string, unknown>;
  try {
    listening = await waitFor(
      "the server to listen",
      () => lines.find((line) => line.event === "server_listening"),
      20_000,
    );
  } catch (error) {
    // Never leave a half-started server behind (nor its stdout, for the test sanitizers).
    try {
      child.kill("SIGKILL");
    } catch { /* it already exited */ }
    await child.status;
    await finished;
    throw error;
  }
  const stop = async (signal: Deno.Signal = "SIGTERM") => {
    try {
      child.kill(signal);
    } catch { /* it already exited */ }
    const status = await child.status;
    await finished;
    return status;
  };
  return { url: String(listening.url), lines, child, finished, stop };
}

/**
 * On the PostgreSQL run every server process would share the default schema, so one test's rate
 * limits and jobs would meet the next test's: each data directory gets its own schema instead (the
 * same one for every restart over that directory, as a KV file would be).
 */
function schemaOf(dataDir: string): Record<string, string> {
  if (Deno.env.get("KILN_BACKEND") !== "postgres") return {};
  let hash = 0x811c9dc5;
  for (const char of dataDir) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return { KILN_PG_SCHEMA: `srv_${hash.toString(16)}` };
}
