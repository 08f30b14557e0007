/**
 * Chooses the blob store once, in main.ts, before any module is set up, so every module writes to
 * the same one: the local directory by default, or an S3-compatible bucket (`BLOB_STORE=s3`), which
 * several instances must share.
 */
import { type Config, variablesOf } from "../config.ts";
import { blobVariables } from "./config.ts";
import { createLocalBlobStore } from "./local.ts";
import { createS3BlobStore } from "./s3.ts";
import type { BlobStore } from "./types.ts";

export function openBlobStore(config: Config): BlobStore {
  const values = variablesOf(config, blobVariables);
  if (values.BLOB_STORE !== "s3") return createLocalBlobStore(`${config.dataDir}/blobs`);
  // loadConfig already refused BLOB_STORE=s3 without these.
  return createS3BlobStore({
    endpoint: values.S3_ENDPOINT!,
    bucket: values.S3_BUCKET!,
    accessKeyId: values.S3_ACCESS_KEY_ID!,
    secretAccessKey: values.S3_SECRET_ACCESS_KEY!,
    region: values.S3_REGION,
  });
}
