/**
 * A finished transcription with the recogniser's timings, in the API's shape
 * (`result.segments: [{start, end, text, words?}]`, seconds), for tests of what is built on them.
 */
export const timedResult = {
  transcription: "Go forward ten meters. Then turn left --> at the door.",
  summary: "Go forward ten meters.",
  truncated: false,
  language: "en",
  durationSeconds: 6.4,
  segments: [
    {
      start: 0.2,
      end: 2.75,
      text: "Go forward ten meters.",
      words: [
        { start: 0.2, end: 0.5, word: "Go" },
        { start: 0.5, end: 1.1, word: "forward" },
        { start: 1.1, end: 1.6, word: "ten" },
        { start: 1.6, end: 2.75, word: "meters." },
      ],
    },
    { start: 3.1, end: 6.4, text: "Then turn left --> at the door." },
  ],
};

/** The same shape fitted to goforward.raw (2.8 s), for a player that must be able to seek there. */
export const goForwardTimings = {
  durationSeconds: 2.78,
  segments: [
    {
      start: 0.1,
      end: 1.2,
      text: "go forward",
      words: [{ start: 0.1, end: 0.45, word: "go" }, { start: 0.45, end: 1.2, word: "forward" }],
    },
    { start: 1.4, end: 2.7, text: "ten meters" },
  ],
};
