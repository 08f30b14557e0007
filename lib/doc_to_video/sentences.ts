/** Sentences (Latin and Arabic punctuation) for narration and captions; long ones are split so a caption stays readable. */
export function splitSentences(script: string): string[] {
  const sentences = script.replace(/\s+/g, " ").trim().split(/(?<=[.!?؟。])\s+/).filter(Boolean);
  return sentences.flatMap((sentence) => {
    const words = sentence.split(" ");
    if (words.length <= 28) return [sentence];
    const parts: string[] = [];
    for (let index = 0; index < words.length; index += 24) {
      parts.push(words.slice(index, index + 24).join(" "));
    }
    return parts;
  });
}
