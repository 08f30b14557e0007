/** What browser code (islands, components) may use of the conversation module: no server code. */
export { formatMoney } from "./money.ts";
export type { DisplayUpdate } from "./updates.ts";
export { applyToView, type DisplayView } from "./view.ts";
