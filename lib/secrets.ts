/**
 * Secrets that are not configured are generated once (CSPRNG) and kept, so a laptop start needs no
 * setup and restarts keep the same tokens. Where they are kept follows the backend:
 * - one process on Deno KV: `$KILN_DATA_DIR/secrets.json` (mode 0600), readable by the operator;
 * - several instances on PostgreSQL: the shared store, first writer wins, so every instance signs
 *   and verifies with the same keys (a display token minted by one must open on another).
 * Start-up logs one line naming the secrets generated and where they are kept, never a value.
 */
import { toBase64Url } from "./hmac.ts";
import { transact } from "./store/transaction.ts";
import type { KvStore } from "./store/types.ts";

export interface SecretStore {
  /** Returns `provided` when set, else the stored or newly generated secret called `name`. */
  ensure(name: string, provided: string | undefined): Promise<string>;
  /** The names this store generated since it was opened, and where they are kept. */
  generated(): { names: string[]; where: string };
}

/** 256 random bits, base64url. */
export function generateSecret(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

const fileName = "secrets.json";

export function createFileSecretStore(dataDir: string): SecretStore {
  // Read-modify-writes are serialised (modules ask for their secrets concurrently at start-up) and
  // land by rename, so the file is never half-written or lost.
  let pending: Promise<unknown> = Promise.resolve();
  const generated: string[] = [];
  return {
    ensure(name, provided) {
      if (provided) return Promise.resolve(provided);
      const result = pending.then(() => readOrCreate(dataDir, name, () => generated.push(name)));
      pending = result.catch(() => {});
      return result;
    },
    generated: () => ({ names: [...generated], where: `${dataDir}/${fileName}` }),
  };
}

async function readOrCreate(dataDir: string, name: string, onGenerated: () => void): Promise<string> {
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
  onGenerated();
  return secret;
}

async function readSecrets(path: string): Promise<Record<string, string>> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw new Error(`${path} is not valid JSON; fix or delete it`);
  }
}

/** Generated secrets in the shared store: concurrent first starts agree on one value per name. */
export function createSharedSecretStore(kv: KvStore): SecretStore {
  const generated: string[] = [];
  return {
    generated: () => ({ names: [...generated], where: "the database" }),
    async ensure(name, provided) {
      if (provided) return provided;
      const key = ["secrets", name];
      const { secret, created } = await transact(kv, { name: "secrets.ensure" }, async (tx) => {
        const existing = await tx.get<string>(key);
        if (existing.value) return { secret: existing.value, created: false };
        const secret = generateSecret();
        tx.op.set(key, secret);
        return { secret, created: true };
      });
      if (created) generated.push(name);
      return secret;
    },
  };
}
