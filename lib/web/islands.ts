/**
 * Server side of islands. A preact `options.vnode` hook recognises island components while a page
 * renders and wraps each in `<kiln-island data-island=… data-props=…>`; the boot script later
 * hydrates exactly those elements. Which islands a render used is collected so the page loads only
 * their bundles. Props must be JSON; islands do not nest.
 */
import { h, options } from "preact";
import type { AnyComponent, AnyVNode } from "./manifest.ts";

const islandNames = new Map<AnyComponent, string>();
let used: Set<string> | null = null;
let creatingInner = false;

export function registerIsland(name: string, component: AnyComponent): void {
  islandNames.set(component, name);
}

function IslandMarker(
  props: { name: string; component: AnyComponent; props: Record<string, unknown> },
): AnyVNode {
  used?.add(props.name);
  creatingInner = true;
  const inner = h(props.component, props.props);
  creatingInner = false;
  return h("kiln-island", { "data-island": props.name, "data-props": JSON.stringify(props.props) }, inner);
}

const previousHook = options.vnode;
options.vnode = (vnode: AnyVNode) => {
  const name = typeof vnode.type === "function" ? islandNames.get(vnode.type) : undefined;
  if (name && !creatingInner) {
    const { children: _children, ...props } = vnode.props as Record<string, unknown>;
    vnode.props = { name, component: vnode.type, props };
    vnode.type = IslandMarker as AnyComponent;
  }
  previousHook?.(vnode);
};

/** Runs a synchronous render and reports which islands it used. */
export function collectIslands<T>(render: () => T): { result: T; islands: Set<string> } {
  const previous = used;
  used = new Set();
  try {
    const result = render();
    return { result, islands: used };
  } finally {
    used = previous;
  }
}
