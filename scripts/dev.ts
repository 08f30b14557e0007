/**
 * `deno task dev`: builds once, runs the server with `--watch` (restarts on code changes,
 * including a regenerated fresh.gen.ts), and rebuilds the manifest and island bundles whenever
 * routes, islands, the boot script or the stylesheet change.
 */
import { bundleAssets } from "./bundle.ts";
import { writeManifest } from "./manifest.ts";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

async function rebuild(reason: string): Promise<void> {
  const started = performance.now();
  try {
    const manifestChanged = await writeManifest(root);
    await bundleAssets(root);
    console.log(
      JSON.stringify({
        event: "dev_rebuilt",
        reason,
        manifestChanged,
        durationMs: Math.round(performance.now() - started),
      }),
    );
  } catch (error) {
    console.error(JSON.stringify({ event: "dev_rebuild_failed", reason, error: String(error) }));
  }
}

await rebuild("start");
const server = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", "--watch", "main.ts"],
  cwd: root,
  stdin: "null",
}).spawn();

const watched = ["routes", "islands", "static/styles.css", "lib/web/client"].map((path) => `${root}/${path}`);
let timer: ReturnType<typeof setTimeout> | undefined;
let pending = new Set<string>();
for await (const event of Deno.watchFs(watched, { recursive: true })) {
  if (event.kind === "access") continue;
  for (const path of event.paths) pending.add(path.replace(`${root}/`, ""));
  clearTimeout(timer);
  timer = setTimeout(() => {
    const reason = [...pending].join(", ");
    pending = new Set();
    rebuild(reason);
  }, 150);
}
await server.status;
