/**
 * `deno task secret <NAME>`: prints a secret Kiln generated because it was not configured (admin
 * token, service tokens, signing keys), from wherever the backend keeps it: `secrets.json` in the
 * data dir on Deno KV, the database on PostgreSQL. Uses the same environment as the server.
 */
import { loadConfig } from "../fresh.config.ts";
import { createLogger } from "../lib/log.ts";
import { openBackend } from "../lib/store/open.ts";

const [name] = Deno.args;
if (!name || !/^[A-Z][A-Z0-9_]{1,63}$/.test(name)) {
  console.error("usage: deno task secret <NAME>   e.g. KILN_ADMIN_TOKEN, DISPLAY_SERVICE_TOKEN");
  Deno.exit(2);
}
const config = loadConfig(Deno.env.toObject());
const configured = Deno.env.get(name);
if (configured) {
  console.log(configured);
  Deno.exit(0);
}
const backend = await openBackend(config, createLogger({ level: "warn" }));
try {
  console.log(await backend.secrets.ensure(name, undefined));
} finally {
  await backend.close();
}
