/** What browser code (islands, components) may use of the transcription module: no server code. */
export { clock, segmentsOf, type TimedSegment } from "./subtitles.ts";
