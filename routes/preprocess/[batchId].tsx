import { z } from "zod";
import PreprocessProgress from "../../islands/PreprocessProgress.tsx";
import { isKilnError } from "../../lib/errors.ts";
import { define } from "../../lib/http/route.ts";
import {
  BatchId,
  type BatchStatusView,
  preprocessModule,
  readerAuth,
  type TaskView,
} from "../../lib/preprocess/mod.ts";
import type { Handlers, PageProps } from "../../lib/web/manifest.ts";

export const title = (data: Data) =>
  data.kind === "batch" ? `Batch ${data.status.batch_id}` : "Batch preprocessing";

type Data =
  | { kind: "batch"; status: BatchStatusView & { tasks?: TaskView[] }; token: string }
  | { kind: "denied"; reason: "no_token" | "not_found"; next: string };

export const handler: Handlers = {
  GET: define.get({
    summary: "Batch page: progress and thumbnails, live (the same data: GET /preprocess/status/:id?detail=1)",
    description: "Needs the batch's view token (`?token=`, from `page_url`) or an admin sign-in; " +
      "without either it answers a 401 page that explains how to get one.",
    tags: ["preprocess"],
    auth: readerAuth,
    params: z.object({ batchId: BatchId }),
    query: z.object({ token: z.string().max(100).optional() }),
    async handle({ params, query, principal, services, render, url }) {
      const next = url.pathname + url.search;
      try {
        const preprocess = services.module(preprocessModule);
        await preprocess.authorizeRead(params.batchId, principal, query.token);
        const status = await preprocess.status(params.batchId, true);
        return render(
          { kind: "batch", status, token: await preprocess.viewToken(params.batchId) } satisfies Data,
        );
      } catch (error) {
        if (!isKilnError(error) || !["unauthorized", "not_found"].includes(error.kind)) throw error;
        const reason = error.kind === "not_found" ? "not_found" : "no_token";
        return render({ kind: "denied", reason, next } satisfies Data, {
          status: reason === "not_found" ? 404 : 401,
        });
      }
    },
  }),
};

export default function BatchPage({ data }: PageProps<Data>) {
  if (data.kind === "denied") {
    return (
      <div class="narrow">
        <h1>Batch preprocessing</h1>
        {data.reason === "not_found"
          ? (
            <p class="banner error" role="alert">
              There is no batch with this id (it may have been removed).
            </p>
          )
          : (
            <>
              <p class="banner error" role="alert">
                This link is missing its view token, or the token is wrong.
              </p>
              <p>
                A batch page opens with the <code>page_url</code> the batch was submitted with (it carries a
                {" "}
                <code>?token=</code>), or for anyone signed in to the admin console.
              </p>
              <p>
                <a class="button" href={`/admin/login?next=${encodeURIComponent(data.next)}`}>Sign in</a>
              </p>
            </>
          )}
      </div>
    );
  }
  return (
    <>
      <h1 class="break">Batch {data.status.batch_id}</h1>
      <p class="lead">
        TIFF pages converted to JPEG (quality 95) on a pool of Web Workers. This page follows the batch live.
      </p>
      <PreprocessProgress initial={data.status} token={data.token} />
    </>
  );
}
