import { z } from "zod";
import PreprocessProgress from "../../islands/PreprocessProgress.tsx";
import { define } from "../../lib/http/route.ts";
import { authorizeBatchRead, readerAuth } from "../../lib/preprocess/access.ts";
import { BatchId, type BatchStatusView, type TaskView } from "../../lib/preprocess/types.ts";
import type { Handlers, PageProps } from "../../lib/web/manifest.ts";

export const title = "Batch preprocessing";

interface Data {
  status: BatchStatusView & { tasks?: TaskView[] };
  token: string;
}

export const handler: Handlers = {
  GET: define.get({
    summary: "Batch page: progress and thumbnails, live (the same data: GET /preprocess/status/:id?detail=1)",
    tags: ["preprocess"],
    auth: readerAuth,
    params: z.object({ batchId: BatchId }),
    query: z.object({ token: z.string().max(100).optional() }),
    async handle({ params, query, principal, services, render }) {
      const preprocess = await authorizeBatchRead(services, params.batchId, principal, query.token);
      const status = await preprocess.status(params.batchId, true);
      return render({ status, token: await preprocess.viewToken(params.batchId) } satisfies Data);
    },
  }),
};

export default function BatchPage({ data }: PageProps<Data>) {
  return (
    <>
      <h1>Batch {data.status.batch_id}</h1>
      <p class="lead">
        TIFF pages converted to JPEG (quality 95) on a pool of Web Workers. This page follows the batch live.
      </p>
      <PreprocessProgress initial={data.status} token={data.token} />
    </>
  );
}
