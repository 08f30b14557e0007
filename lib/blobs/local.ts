/**
 * The default blob store: a directory (`$KILN_DATA_DIR/blobs`), key = relative path under it.
 * Writes go to a temporary file in the same directory and are renamed into place, so a crash
 * mid-write never leaves a truncated blob under the real key. A key that collides with another's
 * directory (`a` and `a/b`) is a 409, not a file-system error.
 */
import { KilnError } from "../errors.ts";
import { randomId } from "../ids.ts";
import { type BlobInfo, type BlobStore, contentTypeOf, validateBlobKey } from "./types.ts";

export function createLocalBlobStore(root: string): BlobStore {
  const pathOf = (key: string) => `${root}/${validateBlobKey(key)}`;

  const infoOf = (key: string, stat: Deno.FileInfo): BlobInfo => ({
    key,
    size: stat.size,
    contentType: contentTypeOf(key),
    modifiedAt: stat.mtime?.getTime() ?? 0,
  });

  async function head(key: string): Promise<BlobInfo | null> {
    try {
      const stat = await Deno.stat(pathOf(key));
      return stat.isFile ? infoOf(key, stat) : null;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) return null;
      throw error;
    }
  }

  /** A file where a directory must be, or the other way round: the key is taken by another shape. */
  const clash = (error: unknown) =>
    error instanceof Deno.errors.AlreadyExists || error instanceof Deno.errors.NotADirectory ||
    error instanceof Deno.errors.IsADirectory;

  return {
    async put(key, body) {
      const path = pathOf(key);
      const directory = path.slice(0, path.lastIndexOf("/"));
      const temporary = `${directory}/.${randomId(8)}.partial`;
      try {
        await Deno.mkdir(directory, { recursive: true });
        if (body instanceof Uint8Array) await Deno.writeFile(temporary, body);
        else await Deno.writeFile(temporary, body);
        await Deno.rename(temporary, path);
      } catch (error) {
        await Deno.remove(temporary).catch(() => {});
        if (clash(error)) {
          throw new KilnError(
            "conflict",
            "blob_key_conflict",
            "A blob key cannot be both a file and a folder.",
          );
        }
        throw error;
      }
      return (await head(key))!;
    },
    async get(key) {
      const info = await head(key);
      if (!info) return null;
      const file = await Deno.open(pathOf(key), { read: true });
      return { info, body: file.readable };
    },
    head,
    async delete(key) {
      await Deno.remove(pathOf(key)).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory)) {
          throw error;
        }
      });
    },
    async *list(prefix) {
      const found: BlobInfo[] = [];
      const walk = async (relative: string) => {
        let entries: Deno.DirEntry[];
        try {
          entries = await Array.fromAsync(Deno.readDir(relative ? `${root}/${relative}` : root));
        } catch (error) {
          if (error instanceof Deno.errors.NotFound) return;
          throw error;
        }
        for (const entry of entries) {
          if (entry.name.endsWith(".partial")) continue;
          const key = relative ? `${relative}/${entry.name}` : entry.name;
          if (entry.isDirectory && (prefix.startsWith(`${key}/`) || key.startsWith(prefix))) await walk(key);
          else if (entry.isFile && key.startsWith(prefix)) {
            found.push(infoOf(key, await Deno.stat(`${root}/${key}`)));
          }
        }
      };
      await walk("");
      yield* found.sort((a, b) => a.key.localeCompare(b.key));
    },
    localPath: pathOf,
  };
}
