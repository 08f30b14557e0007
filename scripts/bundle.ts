/**
 * Builds the browser assets with `deno bundle` (code splitting, minified): the boot script and one
 * entry per island sharing chunks (preact once), each entry renamed to a content hash, plus the
 * hashed stylesheet, all listed in `static/_build/manifest.json` for the server.
 */
import type { AssetManifest } from "../lib/web/assets.ts";
import { buildDirectory } from "../lib/web/assets.ts";
import { islandName } from "../lib/web/manifest.ts";

const bootEntry = "lib/web/client/boot.ts";

async function contentHash(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest.slice(0, 6)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function walkFiles(directory: string): string[] {
  return [...Deno.readDirSync(directory)].flatMap((entry) =>
    entry.isDirectory ? walkFiles(`${directory}/${entry.name}`) : [`${directory}/${entry.name}`]
  );
}

export async function bundleAssets(root: string): Promise<AssetManifest> {
  const output = `${root}/${buildDirectory}`;
  const staging = await Deno.makeTempDir({ prefix: "kiln-bundle-" });
  try {
    const islands = [...Deno.readDirSync(`${root}/islands`)]
      .filter((entry) => entry.isFile && /\.(tsx?|jsx?)$/.test(entry.name))
      .map((entry) => `islands/${entry.name}`)
      .sort();
    const command = new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--platform",
        "browser",
        "--code-splitting",
        "--minify",
        "--outdir",
        staging,
        bootEntry,
        ...islands,
      ],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    });
    const result = await command.output();
    if (!result.success) throw new Error(`deno bundle failed:\n${new TextDecoder().decode(result.stderr)}`);

    await Deno.remove(output, { recursive: true }).catch(() => {});
    await Deno.mkdir(output, { recursive: true });
    const manifest: AssetManifest = { boot: "", islands: {}, stylesheet: "" };
    const entryNames = new Set([islandName(bootEntry), ...islands.map(islandName)]);
    // Entries keep their folder (their imports of shared chunks are relative); only their file name
    // gains a content hash. Chunks are already named by esbuild's content hash.
    for (const file of walkFiles(staging)) {
      const bytes = await Deno.readFile(file);
      const relative = file.slice(staging.length + 1);
      const folder = relative.includes("/") ? relative.slice(0, relative.lastIndexOf("/") + 1) : "";
      const base = relative.slice(folder.length).replace(/\.js$/, "");
      const isEntry = entryNames.has(base) && folder !== "";
      const name = `${folder}${isEntry ? `${base}-${await contentHash(bytes)}` : base}.js`;
      await Deno.mkdir(`${output}/${folder}`, { recursive: true });
      await Deno.writeFile(`${output}/${name}`, bytes);
      const url = `/${buildDirectory}/${name}`;
      if (isEntry && base === islandName(bootEntry)) manifest.boot = url;
      else if (isEntry) manifest.islands[base] = url;
    }
    const styles = await Deno.readFile(`${root}/static/styles.css`);
    const stylesName = `styles-${await contentHash(styles)}.css`;
    await Deno.writeFile(`${output}/${stylesName}`, styles);
    manifest.stylesheet = `/${buildDirectory}/${stylesName}`;
    await Deno.writeTextFile(`${output}/manifest.json`, JSON.stringify(manifest, null, 2) + "\n");
    return manifest;
  } finally {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
  }
}
