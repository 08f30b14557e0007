/**
 * The source import graph and the layering rules the architecture test holds it to. Pure functions
 * over a `Graph` (file → the files it imports), so the checker itself is tested on tiny synthetic
 * graphs (import_graph_test.ts) and the real tree is read once (architecture_test.ts).
 */
import { dirname, join, normalize, relative } from "node:path";

/** Repository-relative path (`lib/http/route.ts`) → repository-relative paths it imports. */
export type Graph = Map<string, string[]>;

export interface Edge {
  from: string;
  to: string;
}

/**
 * Relative specifiers of every static import, re-export and dynamic import in a source file. Comment
 * lines are skipped so a doc comment quoting an import does not count.
 */
export function importSpecifiers(source: string): string[] {
  const code = source.split("\n").filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line)).join("\n");
  const found: string[] = [];
  const patterns = [
    /\bfrom\s*["']([^"']+)["']/g, // import … from "x", export … from "x"
    /\bimport\s*["']([^"']+)["']/g, // import "x" (side effects)
    /\bimport\(\s*["']([^"']+)["']\s*\)/g, // import("x")
  ];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) found.push(match[1]);
  }
  return found.filter((specifier) => specifier.startsWith("./") || specifier.startsWith("../"));
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
      importSpecifiers(source).map((specifier) => normalize(join(dirname(path), specifier))),
    );
  };
  for (const path of roots) await visit(relative(root, join(root, path)));
  return graph;
}

/**
 * Every import cycle, one per strongly connected component (Tarjan), each given as a closed path
 * `[a, b, …, a]` through the component so the message shows the edges to cut.
 */
export function findCycles(graph: Graph): string[][] {
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
function cyclePath(graph: Graph, component: Set<string>): string[] {
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
 * The layers: `platform` paths (folders end in "/") never import a domain module; each domain
 * module is a folder whose only entry for the rest of the tree is its `mod.ts`.
 */
export interface Layers {
  platform: string[];
  modules: string[];
}

/** The domain module folder a file belongs to, if any (`lib/engine/ledger.ts` → `lib/engine/`). */
export function moduleOf(path: string, layers: Layers): string | undefined {
  return layers.modules.find((folder) => path.startsWith(folder));
}

function inPlatform(path: string, layers: Layers): boolean {
  return layers.platform.some((entry) => entry.endsWith("/") ? path.startsWith(entry) : path === entry);
}

function edges(graph: Graph): Edge[] {
  return [...graph].flatMap(([from, targets]) => targets.map((to) => ({ from, to })));
}

/** Platform files that import any file of a domain module. */
export function platformToDomainEdges(graph: Graph, layers: Layers): Edge[] {
  return edges(graph).filter(({ from, to }) =>
    inPlatform(from, layers) && moduleOf(to, layers) !== undefined
  );
}

/** Imports of a module's files other than its `mod.ts` from outside the module's folder. */
export function internalsEdges(graph: Graph, layers: Layers): Edge[] {
  return edges(graph).filter(({ from, to }) => {
    const target = moduleOf(to, layers);
    return target !== undefined && moduleOf(from, layers) !== target && to !== `${target}mod.ts`;
  });
}

/** Files under `lib/` whose top-level entry is neither platform nor a domain module. */
export function unclassified(graph: Graph, layers: Layers): string[] {
  return [...graph.keys()].filter((path) =>
    path.startsWith("lib/") && !inPlatform(path, layers) && moduleOf(path, layers) === undefined
  );
}

export function formatEdges(list: Edge[]): string {
  return list.map(({ from, to }) => `  ${from} → ${to}`).join("\n");
}
