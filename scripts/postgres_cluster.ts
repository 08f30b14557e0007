/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` into a temp dir, `pg_ctl start`
 * on a free loopback port (no Unix socket, fsync off), `pg_ctl stop` + delete on `stop()`.
 * Uses Debian's server binaries (`postgresql` package); as root it runs them as the `postgres`
 * user, because initdb refuses to run as root.
 *
 * As a script it wraps a command: `deno run -A scripts/postgres_cluster.ts -- deno test -A` starts a
 * cluster, runs the command with DATABASE_URL set, stops the cluster and exits with its status.
 */

export interface PostgresCluster {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The directory holding initdb/pg_ctl: $PG_BIN, else the newest /usr/lib/postgresql/<n>/bin. */
export function postgresBinDir(): string | null {
  const fromEnv = Deno.env.get("PG_BIN");
  if (fromEnv) return fromEnv;
  try {
    const versions = [...Deno.readDirSync("/usr/lib/postgresql")]
      .map((entry) => entry.name)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const dir = `/usr/lib/postgresql/${version}/bin`;
      try {
        Deno.statSync(`${dir}/pg_ctl`);
        return dir;
      } catch { /* try the next version */ }
    }
  } catch { /* not installed */ }
  return null;
}

const isRoot = Deno.uid() === 0;

async function run(binDir: string, program: string, args: string[]): Promise<void> {
  const command = isRoot
    ? new Deno.Command("runuser", { args: ["-u", "postgres", "--", `${binDir}/${program}`, ...args] })
    : new Deno.Command(`${binDir}/${program}`, { args });
  const output = await command.output();
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr).trim();
    throw new Error(`${program} failed (${output.code}): ${stderr}`);
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const binDir = postgresBinDir();
  if (!binDir) {
    throw new Error("PostgreSQL server binaries not found: apt-get install -y postgresql (or set PG_BIN)");
  }
  const root = await Deno.makeTempDir({ prefix: "kiln-pg-" });
  const dataDir = `${root}/data`;
  if (isRoot) await new Deno.Command("chown", { args: ["-R", "postgres", root] }).output();
  await run(binDir, "initdb", ["-D", dataDir, "-U", "kiln", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const port = freePort();
  const options = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    "-c unix_socket_directories=''",
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c max_connections=300",
  ].join(" ");
  await run(binDir, "pg_ctl", ["-D", dataDir, "-o", options, "-l", `${root}/server.log`, "-w", "start"]);
  let stopped = false;
  return {
    url: `postgres://kiln@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await run(binDir, "pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]).catch(() => {});
      await Deno.remove(root, { recursive: true });
    },
  };
}

if (import.meta.main) {
  const separator = Deno.args.indexOf("--");
  const [program, ...args] = separator >= 0 ? Deno.args.slice(separator + 1) : Deno.args;
  if (!program) {
    console.error("usage: postgres_cluster.ts -- <command> [args…]");
    Deno.exit(2);
  }
  const cluster = await startPostgresCluster();
  console.error(`postgres: throwaway cluster on port ${cluster.port}`);
  let code = 1;
  try {
    const child = new Deno.Command(program === "deno" ? Deno.execPath() : program, {
      args,
      env: { DATABASE_URL: cluster.url, KILN_BACKEND: "postgres" },
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
    code = (await child.status).code;
  } finally {
    await cluster.stop();
  }
  Deno.exit(code);
}
