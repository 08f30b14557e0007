/** What browser code (islands, components) may use of the preprocessing module: no server code. */
export { batchStatusText, batchTone } from "./status_text.ts";
