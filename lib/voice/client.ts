/** What browser code (islands) may use of the voice module: the microphone and the speaker. */
export { type Microphone, SpeechPlayer, startMicrophone } from "./client/audio.ts";
