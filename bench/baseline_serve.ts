/**
 * How the baseline apps (`bench/*_server.ts`) are served: `Deno.serve` on `PORT`/`HOST` in their
 * own process, stopped by SIGTERM/SIGINT. Kept apart from support.ts so a baseline process loads
 * nothing of Kiln.
 */
/**
 * Serves a baseline app (`bench/*_server.ts`) on `PORT`/`HOST` until SIGTERM/SIGINT, then runs
 * `onStop` (closing what the app opened).
 */
export function serveBaseline(name: string, handler: Deno.ServeHandler, onStop: () => void = () => {}) {
  const port = Number(Deno.env.get("PORT"));
  if (!Number.isInteger(port) || port <= 0) {
    console.error(`${name}: PORT must be set to a free TCP port`);
    Deno.exit(2);
  }
  const server = Deno.serve(
    { port, hostname: Deno.env.get("HOST") ?? "127.0.0.1", onListen: () => {} },
    handler,
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      server.shutdown().finally(() => {
        onStop();
        Deno.exit(0);
      });
    });
  }
}
