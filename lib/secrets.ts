/**
 * Secrets that are not configured are generated once (CSPRNG) and kept in
 * `$KILN_DATA_DIR/secrets.json` (mode 0600), so a laptop start needs no setup and restarts keep the
 * same tokens. The log names the file to read, never the value.
 */
import { toBase64Url } from "./hmac.ts";
import type { Logger } from "./log.ts";

const fileName = "secrets.json";

/**
 * Read-modify-writes of the file are serialised in this process (modules ask for their secrets
 * concurrently at start-up) and land by rename, so the file is never half-written or lost.
 */
let pending: Promise<unknown> = Promise.resolve();

/** Returns `provided` when set, else the stored or newly generated secret called `name`. */
export function ensureSecret(
  dataDir: string,
  name: string,
  provided: string | undefined,
  log: Logger,
): Promise<string> {
  if (provided) return Promise.resolve(provided);
  const result = pending.then(() => readOrCreate(dataDir, name, log));
  pending = result.catch(() => {});
  return result;
}

async function readOrCreate(dataDir: string, name: string, log: Logger): Promise<string> {
  const path = `${dataDir}/${fileName}`;
  const stored = await readSecrets(path);
  if (stored[name]) return stored[name];
  const secret = generateSecret();
  await Deno.mkdir(dataDir, { recursive: true });
  const temporary = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(temporary, JSON.stringify({ ...stored, [name]: secret }, null, 2) + "\n", {
    mode: 0o600,
  });
  await Deno.rename(temporary, path);
  log.warn("secret_generated", { variable: name, file: path, hint: `set ${name} or read it from ${path}` });
  return secret;
}

/** 256 random bits, base64url. */
export function generateSecret(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

async function readSecrets(path: string): Promise<Record<string, string>> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw new Error(`${path} is not valid JSON; fix or delete it`);
  }
}
