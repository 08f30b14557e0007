/**
 * `deno task bench`: runs every benchmark suite in bench/suites/ (alphabetical order), one after the
 * other so they never compete for the two cores, prints one table and writes bench/results.json.
 *
 * Adding a benchmark = adding a file `bench/suites/<name>.ts` that exports
 * `async function run(): Promise<Row[]>` (build rows with `row()` from ../support.ts).
 *
 * `deno task bench http live` runs only the suites whose file name contains one of the arguments.
 * `KILN_BENCH_LOADGEN=autocannon` forces the autocannon fallback instead of wrk.
 *
 * Exit code: 0 when every suite ran (even if a target was missed: the table says FAIL); 1 when a
 * suite crashed (its row says CRASHED and why).
 */
import { cleanupAll, crashRow, formatTable, type Row, toJson } from "./support.ts";

export interface BenchSuite {
  run(): Promise<Row[]>;
}

const suitesDir = new URL("./suites/", import.meta.url);
const resultsFile = new URL("./results.json", import.meta.url);

async function listSuites(filters: string[]): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(suitesDir)) {
    if (!entry.isFile || !entry.name.endsWith(".ts") || entry.name.startsWith("_")) continue;
    const name = entry.name.slice(0, -3);
    if (filters.length === 0 || filters.some((filter) => name.includes(filter))) names.push(name);
  }
  return names.sort();
}

async function main(): Promise<number> {
  const suites = await listSuites(Deno.args);
  if (suites.length === 0) {
    console.error(`no benchmark suite matches ${JSON.stringify(Deno.args)} in bench/suites/`);
    return 2;
  }
  const rows: Row[] = [];
  let crashed = false;
  const started = performance.now();
  for (const name of suites) {
    const suiteStarted = performance.now();
    console.error(`bench: ${name} …`);
    try {
      const suite: BenchSuite = await import(new URL(`${name}.ts`, suitesDir).href);
      if (typeof suite.run !== "function") throw new Error(`bench/suites/${name}.ts does not export run()`);
      const suiteRows = await suite.run();
      rows.push(...suiteRows);
      for (const r of suiteRows) {
        if (r.error) crashed = true;
      }
    } catch (error) {
      crashed = true;
      console.error(`bench: ${name} crashed:`, error);
      rows.push(crashRow(name, error));
    } finally {
      await cleanupAll();
    }
    console.error(`bench: ${name} done in ${((performance.now() - suiteStarted) / 1000).toFixed(1)} s`);
  }

  await Deno.writeTextFile(resultsFile, toJson(rows));
  console.log(formatTable(rows));
  const failed = rows.filter((r) => !r.pass).length;
  console.log(
    `\n${rows.length} rows, ${failed} below target, ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s; ` +
      `written to bench/results.json`,
  );
  return crashed ? 1 : 0;
}

if (import.meta.main) {
  const onSignal = () => {
    cleanupAll().finally(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const code = await main().catch((error) => {
    console.error("bench: fatal", error);
    return 1;
  });
  await cleanupAll();
  // Suites close what they open; exiting explicitly still guarantees a stray timer cannot hang CI.
  Deno.exit(code);
}
