/** Environment variables of the blob store (merged into fresh.config.ts with the platform's). */
import { z } from "zod";

export const blobVariables = {
  BLOB_STORE: {
    schema: z.enum(["local", "s3"]),
    default: "local",
    doc:
      "Blob store for every module's files (videos, media, batches): `local` (`$KILN_DATA_DIR/blobs`) or `s3` (R2, MinIO; needed for several instances).",
  },
  S3_ENDPOINT: {
    schema: z.url().optional(),
    doc: "S3-compatible endpoint, e.g. `https://<account>.r2.cloudflarestorage.com`.",
  },
  S3_BUCKET: { schema: z.string().min(1).optional(), doc: "Bucket (path-style URLs)." },
  S3_ACCESS_KEY_ID: { schema: z.string().min(1).optional(), doc: "S3 access key id." },
  S3_SECRET_ACCESS_KEY: { schema: z.string().min(1).optional(), doc: "S3 secret access key." },
  S3_REGION: { schema: z.string().min(1), default: "auto", doc: "S3 signing region (`auto` for R2)." },
} as const;
