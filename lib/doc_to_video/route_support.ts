/** Small helpers shared by doc-to-video's thin route files. */
import { z } from "zod";
import type { Services } from "../services.ts";
import type { DocToVideoService } from "./service.ts";

export const JobParams = z.object({ id: z.string().min(1).max(64) });

export function docToVideoService(services: Services): DocToVideoService {
  if (!services.docToVideo) throw new Error("setupDocToVideo() was not called");
  return services.docToVideo;
}
