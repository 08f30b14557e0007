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
}

export async function startServerProcess(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: root,
    env: {
      PORT: "0",
      KILN_DATA_DIR: dataDir,
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
  const listening = await waitFor(
    "the server to listen",
    () => lines.find((line) => line.event === "server_listening"),
    20_000,
  );
  return { url: String(listening.url), lines, child, finished };
}
