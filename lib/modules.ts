/**
 * The modules Kiln hosts, for the home page and the navigation. A module that has a page sets
 * `href`; the API tag links its part of the API docs.
 */
export interface KilnModule {
  name: string;
  summary: string;
  href?: string;
  apiTag: string;
}

export const kilnModules: KilnModule[] = [
  {
    name: "Conversation display",
    summary:
      "A themed, live second screen for a voice assistant: every open browser shows each update at once.",
    href: "/ui/conversation",
    apiTag: "conversation",
  },
  {
    name: "Order by voice",
    summary:
      "Talk (or type) to a restaurant: speech is recognised offline, the cart fills up on the themed display as you speak.",
    href: "/ui/restaurant",
    apiTag: "conversation",
  },
  {
    name: "Doc to video",
    summary: "Upload a PDF and get a short narrated presenter video that summarises it.",
    href: "/doc-to-video",
    apiTag: "doc-to-video",
  },
  {
    name: "Transcription",
    summary: "Asynchronous speech-to-text jobs for a media URL, with signed webhooks.",
    href: "/ui/transcription",
    apiTag: "transcription",
  },
  {
    name: "Business engine",
    summary: "User tokens, a credit ledger and a resilient proxy in front of transcription.",
    apiTag: "engine",
  },
  {
    name: "Image preprocessing",
    summary: "Convert every TIFF of a batch to JPEG in parallel, resumably, then notify ingest.",
    apiTag: "preprocess",
  },
];
