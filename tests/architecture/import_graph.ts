/**
 * The source import graph and the layering rules the architecture test holds it to. Pure functions
 * over a `Graph` (file → the files it imports), so the checker itself is tested on tiny synthetic
 * graphs (import_graph_test.ts) and the real tree is read once (architecture_test.ts).
 */
import { dirname, join, normalize, relative } from "node:path";

/** One import of a file: the repository-relative file it names, and whether only types cross it. */
export interface Import {
  path: string;
  typeOnly: boolean;
}

/** Repository-relative path (`lib/http/route.ts`) → the files it imports. */
export type Graph = Map<string, Import[]>;

export interface Edge {
  from: string;
  to: string;
}

export interface Specifier {
  specifier: string;
  typeOnly: boolean;
}

/**
 * Relative specifiers of every static import, re-export and dynamic import in a source file, each
 * marked type-only when the statement is `import type`/`export type` or names only `type` members
 * (erased at run time). Comment lines are skipped so a doc comment quoting an import does not count.
 */
export function importSpecifiers(source: string): Specifier[] {
  const code = source.split("\n").filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line)).join("\n");
  const found: Specifier[] = [];
  const statement = /\b(?:import|export)\s+(type\s+)?([^;"']*?)\s*from\s*["']([^"']+)["']/g;
  for (const [, typeKeyword, clause, specifier] of code.matchAll(statement)) {
    const members = /^\{([^}]*)\}$/.exec(clause.trim())?.[1].split(",").map((name) => name.trim())
      .filter(Boolean);
    const typeOnly = Boolean(typeKeyword) ||
      (members !== undefined && members.length > 0 && members.every((name) => name.startsWith("type ")));
    found.push({ specifier, typeOnly });
  }
  for (const [, specifier] of code.matchAll(/\bimport\s*["']([^"']+)["']/g)) {
    found.push({ specifier, typeOnly: false }); // import "x" (side effects)
  }
  for (const [, specifier] of code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) {
    found.push({ specifier, typeOnly: false });
  }
  return found.filter(({ specifier }) => specifier.startsWith("./") || specifier.startsWith("../"));
}

/** Reads every .ts/.tsx file under `roots` (folders or files, relative to `root`) into a graph. */
export async function readImportGraph(root: string, roots: string[]): Promise<Graph> {
  const graph: Graph = new Map();
  const visit = async (path: string) => {
    const info = await Deno.stat(join(root, path));
    if (info.isDirectory) {
      for await (const entry of Deno.readDir(join(root, path))) await visit(join(path, entry.name));
      return;
    }
    if (!/\.tsx?$/.test(path)) return;
    const source = await Deno.readTextFile(join(root, path));
    graph.set(
      path,
      importSpecifiers(source).map(({ specifier, typeOnly }) => ({
        path: normalize(join(dirname(path), specifier)),
        typeOnly,
      })),
    );
  };
  for (const path of roots) await visit(relative(root, join(root, path)));
  return graph;
}

/** File → the files it imports. */
type Adjacency = Map<string, string[]>;

function adjacency(graph: Graph): Adjacency {
  return new Map([...graph].map(([from, imports]) => [from, imports.map((i) => i.path)]));
}

/**
 * Every import cycle, one per strongly connected component (Tarjan), each given as a closed path
 * `[a, b, …, a]` through the component so the message shows the edges to cut. Type imports count:
 * they are erased at run time, but two files that each need the other's definitions are one
 * tangle all the same — the type belongs to one of them, or to a file both import.
 */
export function findCycles(imports: Graph): string[][] {
  const graph = adjacency(imports);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const connect = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        connect(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = (graph.get(node) ?? []).includes(node);
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return components.map((component) => cyclePath(graph, new Set(component)));
}

/** A closed path inside one strongly connected component, starting at its first file by name. */
function cyclePath(graph: Adjacency, component: Set<string>): string[] {
  const start = [...component].sort()[0];
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const target of graph.get(node) ?? []) {
      if (!component.has(target)) continue;
      if (target === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start, start];
}

/**
 * A domain module: its home folder (`lib/engine/`), whose `mod.ts` is its one entry (and `client.ts`
 * the browser-safe subset for islands and components), plus any further folders or files it owns
 * (the conversation module's lib/restaurant/, a module's worker script in workers/).
 */
export interface DomainModule {
  home: string;
  owns?: string[];
}

/**
 * The layers: `platform` paths (folders end in "/") never import a domain module; a domain module's
 * files are imported from outside it only through its entries; `browser` paths (islands,
 * components) only through its `client.ts`; `top` paths (routes and the composition root) are
 * imported by nothing below them.
 */
export interface Layers {
  platform: string[];
  modules: DomainModule[];
  browser: string[];
  top: string[];
}

function matches(path: string, entry: string): boolean {
  return entry.endsWith("/") ? path.startsWith(entry) : path === entry;
}

/** The home folder of the module a file belongs to, if any (`lib/restaurant/menu.ts` → `lib/conversation/`). */
export function moduleOf(path: string, layers: Layers): string | undefined {
  return layers.modules.find((module) =>
    [module.home, ...(module.owns ?? [])].some((entry) => matches(path, entry))
  )?.home;
}

function edges(graph: Graph): Edge[] {
  return [...graph].flatMap(([from, imports]) => imports.map(({ path }) => ({ from, to: path })));
}

/** Platform files that import any file of a domain module. */
export function platformToDomainEdges(graph: Graph, layers: Layers): Edge[] {
  return edges(graph).filter(({ from, to }) =>
    layers.platform.some((entry) => matches(from, entry)) && moduleOf(to, layers) !== undefined
  );
}

/**
 * Imports of a module's files from outside the module other than through its entries: `mod.ts`
 * (or `client.ts`) for server code, only `client.ts` for browser code (`mod.ts` would bundle the
 * server into the page).
 */
export function internalsEdges(graph: Graph, layers: Layers): Edge[] {
  return edges(graph).filter(({ from, to }) => {
    const target = moduleOf(to, layers);
    if (target === undefined || moduleOf(from, layers) === target) return false;
    const browser = layers.browser.some((entry) => matches(from, entry));
    const entries = browser ? [`${target}client.ts`] : [`${target}mod.ts`, `${target}client.ts`];
    return !entries.includes(to);
  });
}

/** Imports that point back up: a file outside `top` importing a route or the composition root. */
export function upwardEdges(graph: Graph, layers: Layers): Edge[] {
  const isTop = (path: string) => layers.top.some((entry) => matches(path, entry));
  return edges(graph).filter(({ from, to }) => !isTop(from) && isTop(to));
}

/** Files under `lib/` that are neither platform nor part of a domain module (each must be one). */
export function unclassified(graph: Graph, layers: Layers): string[] {
  return [...graph.keys()].filter((path) =>
    path.startsWith("lib/") && !layers.platform.some((entry) => matches(path, entry)) &&
    moduleOf(path, layers) === undefined
  );
}

export function formatEdges(list: Edge[]): string {
  return list.map(({ from, to }) => `  ${from} → ${to}`).join("\n");
}
