/**
 * `deno task token <userId> [ttlSeconds]`: prints a user JWT for development, signed with the same
 * ENGINE_JWT_SECRET the server uses (the environment's, else the one generated in
 * `$KILN_DATA_DIR/secrets.json`, or in the database on the Postgres backend).
 */
import { loadConfig } from "../fresh.config.ts";
import { createTokenAuthority } from "../lib/engine/tokens.ts";
import { createLogger } from "../lib/log.ts";
import { openBackend } from "../lib/store/open.ts";

const [userId, ttlText = "3600"] = Deno.args;
const ttlSeconds = Number(ttlText);
if (!userId || !/^[\w.@:-]{1,200}$/.test(userId) || !Number.isInteger(ttlSeconds) || ttlSeconds < 60) {
  console.error("usage: deno task token <userId> [ttlSeconds ≥ 60, default 3600]");
  Deno.exit(2);
}
const config = loadConfig(Deno.env.toObject());
const log = createLogger({ level: "warn" });
const secret = config.values.ENGINE_JWT_SECRET ?? await storedSecret();

const { token, expiresAt } = await createTokenAuthority(secret).signUser(userId, ttlSeconds);
console.log(token);
console.error(`user ${userId}, expires ${new Date(expiresAt * 1000).toISOString()}`);

/** The generated secret, from wherever the backend keeps it (opened only when not configured). */
async function storedSecret(): Promise<string> {
  const backend = await openBackend(config, log);
  try {
    return await backend.secrets.ensure("ENGINE_JWT_SECRET", undefined);
  } finally {
    await backend.close();
  }
}
