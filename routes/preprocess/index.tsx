import PreprocessUpload from "../../islands/PreprocessUpload.tsx";
import { define } from "../../lib/http/route.ts";
import { randomId } from "../../lib/ids.ts";
import { maxBlobUploadBytes, maxFilesPerBatch } from "../../lib/preprocess/mod.ts";
import type { Handlers, PageProps } from "../../lib/web/manifest.ts";

export const title = "Image preprocessing";

type Data = { signedIn: false } | { signedIn: true; csrf: string; batchId: string };

export const handler: Handlers = {
  GET: define.get({
    summary: "Upload TIFFs (files or a folder) as a new batch (HTML; admin sign-in)",
    description: "The page uploads with `PUT /preprocess/blobs/staging/<batch>/<path>` and submits with " +
      "`POST /preprocess/batches`, then opens the batch page.",
    tags: ["preprocess"],
    auth: ["admin", "optional"],
    async handle({ principal, request, services, render }) {
      const session = principal && await services.adminSessions.read(request);
      if (!session) return render({ signedIn: false } satisfies Data);
      const stamp = new Date().toISOString().slice(0, 16).replace("T", "-").replace(":", "");
      return render(
        { signedIn: true, csrf: session.csrf, batchId: `upload-${stamp}-${randomId(3)}` } satisfies Data,
      );
    },
  }),
};

export default function PreprocessPage({ data }: PageProps<Data>) {
  return (
    <>
      <h1>Image preprocessing</h1>
      <p class="lead">
        Drop scanned TIFFs — single files or a whole folder — and every page becomes a JPEG (quality 95),
        converted in parallel. The batch page follows the conversion live and shows a thumbnail per file.
      </p>
      {data.signedIn
        ? (
          <PreprocessUpload
            csrf={data.csrf}
            batchId={data.batchId}
            maxFiles={maxFilesPerBatch}
            maxFileBytes={maxBlobUploadBytes}
          />
        )
        : (
          <div class="card stack">
            <p>
              Uploading starts a batch on this server, so it needs the admin sign-in. The ingest service
              submits batches with <code>PREPROCESS_SERVICE_TOKEN</code> instead (see the{" "}
              <a href="/docs#tag-preprocess">API</a>).
            </p>
            <p>
              <a class="button" href="/admin/login?next=/preprocess">Sign in to upload</a>
            </p>
          </div>
        )}
      <p class="muted">
        Past batches are listed in the <a href="/admin/batches">admin console</a>.
      </p>
    </>
  );
}
