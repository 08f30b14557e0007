/**
 * Video providers. A remote provider (D-ID) renders asynchronously: create → webhook or poll →
 * download the result (its URLs expire, so Kiln keeps its own copy). The local renderer makes the
 * file in-process: the document's pages narrated by a local voice, encoded by ffmpeg.
 */
export type VideoApiType = "clips" | "expressives";
export type RemoteVideoStatus = "created" | "started" | "done" | "error" | "rejected";

export interface RemoteVideoRequest {
  apiType: VideoApiType;
  avatar: string;
  sentiment: string;
  script: string;
  language: "en" | "ar";
  /** Where the provider posts status changes (already carries its verification token). */
  webhookUrl?: string;
  signal?: AbortSignal;
}

export interface RemoteVideoState {
  id: string;
  status: RemoteVideoStatus;
  resultUrl?: string;
  durationSeconds?: number;
  error?: string;
}

export interface RemoteVideoProvider {
  readonly name: string;
  create(request: RemoteVideoRequest): Promise<RemoteVideoState>;
  get(apiType: VideoApiType, id: string, signal?: AbortSignal): Promise<RemoteVideoState>;
  /** Streams the finished video from its (expiring) result URL. */
  download(url: string, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>>;
}

export class VideoProviderError extends Error {
  readonly status?: number;
  constructor(message: string, status?: number) {
    super(message);
    this.name = "VideoProviderError";
    this.status = status;
  }
}
