/**
 * The pages of the modules Kiln hosts, for the home page, the navigation and the API docs: each
 * page, a short label for the site header (it must fit a phone), and the API tag that links its
 * part of the API docs. `admin` marks a page behind the admin sign-in.
 */
export interface ModulePage {
  name: string;
  navLabel: string;
  summary: string;
  href: string;
  apiTag: string;
  admin?: boolean;
}

export const modulePages: ModulePage[] = [
  {
    name: "Conversation display",
    navLabel: "Display",
    summary:
      "A themed, live second screen for a voice assistant: every open browser shows each update at once.",
    href: "/ui/conversation",
    apiTag: "conversation",
  },
  {
    name: "Order by voice",
    navLabel: "Voice",
    summary:
      "Talk (or type) to a restaurant: speech is recognised offline, the cart fills up on the themed display as you speak.",
    href: "/ui/restaurant",
    apiTag: "conversation",
  },
  {
    name: "Doc to video",
    navLabel: "Doc to video",
    summary: "Upload a PDF and get a short narrated presenter video that summarises it.",
    href: "/doc-to-video",
    apiTag: "doc-to-video",
  },
  {
    name: "Transcription",
    navLabel: "Transcription",
    summary:
      "Speech to text for a media or TikTok link or an uploaded file, with timestamps and signed webhooks.",
    href: "/ui/transcription",
    apiTag: "transcription",
  },
  {
    name: "Business engine",
    navLabel: "Credits",
    summary: "User tokens, a credit ledger and a resilient proxy in front of transcription.",
    href: "/admin/credits",
    apiTag: "engine",
    admin: true,
  },
  {
    name: "Image preprocessing",
    navLabel: "Images",
    summary: "Convert every TIFF of a batch to JPEG in parallel, resumably, then notify ingest.",
    href: "/preprocess",
    apiTag: "preprocess",
    admin: true,
  },
];
