/** Small helpers shared by doc-to-video's thin route files. */
import { z } from "zod";

export const JobParams = z.object({ id: z.string().min(1).max(64) });
