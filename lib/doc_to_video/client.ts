/** What browser code (islands, components) may use of the doc-to-video module: no server code. */
export type { PageOptions } from "./page_options.ts";
export { countWords, type Language, scriptLimits } from "./script_rules.ts";
export type { SectionView, VideoStatus } from "./service.ts";
