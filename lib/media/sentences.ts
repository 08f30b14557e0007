/**
 * The one sentence splitter for text Kiln narrates, captions or summarises (doc-to-video scripts
 * and source pages, transcripts). A sentence ends at a Latin, Arabic or CJK full stop, question or
 * exclamation mark followed by a space; whitespace inside is collapsed.
 */

/** Cut a sentence longer than `longerThan` words into pieces of `pieceWords` words. */
export interface LongSentenceCut {
  longerThan: number;
  pieceWords: number;
}

/** Captions: a sentence of more than 28 words is shown 24 words at a time. */
export const captionCut: LongSentenceCut = { longerThan: 28, pieceWords: 24 };

/**
 * The sentences of `text`. With `cut`, long ones are split into pieces: a caption stays readable,
 * and unpunctuated ASR output still yields summary-sized units.
 */
export function splitSentences(text: string, cut?: LongSentenceCut): string[] {
  const sentences = text.replace(/\s+/g, " ").trim().split(/(?<=[.!?؟。])\s+/).filter(Boolean);
  if (!cut) return sentences;
  return sentences.flatMap((sentence) => {
    const words = sentence.split(" ");
    if (words.length <= cut.longerThan) return [sentence];
    const pieces: string[] = [];
    for (let index = 0; index < words.length; index += cut.pieceWords) {
      pieces.push(words.slice(index, index + cut.pieceWords).join(" "));
    }
    return pieces;
  });
}
