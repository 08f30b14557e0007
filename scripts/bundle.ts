/**
 * Builds the browser assets with `deno bundle` (code splitting, minified): the boot script and one
 * entry per island sharing chunks (preact once), each entry renamed to a content hash, plus the
 * hashed stylesheet, all listed in `static/_build/manifest.json` for the server.
 */
import type { AssetManifest } from "../lib/web/assets.ts";
import { buildDirectory } from "../lib/web/assets.ts";
import { islandName } from "../lib/web/manifest.ts";

const bootEntry = "lib/web/client/boot.ts";

async function contentHash(bytes: Uint8Array): Promise<string> {
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
      args: ["bundle", "--platform", "browser", "--code-splitting", "--minify", "--outdir", staging, bootEntry, ...islands],
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
    for (const file of walkFiles(staging)) {
      const bytes = await Deno.readFile(file);
      const base = file.slice(file.lastIndexOf("/") + 1).replace(/\.js$/, "");
      // Chunks already carry esbuild's content hash in their name and are imported by it: keep it.
      const name = entryNames.has(base) ? `${base}-${await contentHash(bytes)}.js` : `${base}.js`;
      await Deno.writeFile(`${output}/${name}`, bytes);
      const url = `/${buildDirectory}/${name}`;
      if (base === islandName(bootEntry)) manifest.boot = url;
      else if (entryNames.has(base)) manifest.islands[base] = url;
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
