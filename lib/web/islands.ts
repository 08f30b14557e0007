/**
 * Server side of islands. A preact `options.vnode` hook recognises island components while a page
 * renders and wraps each in `<kiln-island data-island=… data-props=…>`; the boot script later
 * hydrates exactly those elements. Which islands a render used is collected so the page loads only
 * their bundles. Props must be JSON; islands do not nest.
 */
import { type ComponentType, h, options, type VNode } from "preact";

const islandNames = new Map<ComponentType<any>, string>();
let used: Set<string> | null = null;
let creatingInner = false;

export function registerIsland(name: string, component: ComponentType<any>): void {
  islandNames.set(component, name);
}

function IslandMarker(props: { name: string; component: ComponentType<any>; props: Record<string, unknown> }): VNode {
  used?.add(props.name);
  creatingInner = true;
  const inner = h(props.component, props.props);
  creatingInner = false;
  return h("kiln-island", { "data-island": props.name, "data-props": JSON.stringify(props.props) }, inner);
}

const previousHook = options.vnode;
options.vnode = (vnode) => {
  const name = typeof vnode.type === "function" ? islandNames.get(vnode.type) : undefined;
  if (name && !creatingInner) {
    const { children: _children, ...props } = vnode.props as Record<string, unknown>;
    vnode.props = { name, component: vnode.type, props };
    vnode.type = IslandMarker as ComponentType<any>;
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
