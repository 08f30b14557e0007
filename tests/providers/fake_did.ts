/**
 * A loopback D-ID: POST /clips and /talks (Basic auth) create a render, GET /clips/{id} and
 * /talks/{id} report it, and when the request named a webhook the fake delivers the finished
 * render there after the first status look — as D-ID does when rendering ends. `outcome` chooses done or rejected; `deliverWebhook` off leaves
 * only polling.
 */
export interface FakeDid extends AsyncDisposable {
  url: string;
  created: { path: string; body: Record<string, unknown>; authorization: string | null }[];
  polls: number;
  outcome: "done" | "rejected";
  deliverWebhook: boolean;
  webhookResponses: number[];
  /** The MP4 served as the result. */
  video: Uint8Array<ArrayBuffer>;
}

export function fakeDid(
  apiKey = "test-did-key",
  video: Uint8Array<ArrayBuffer> = new Uint8Array(2048),
): FakeDid {
  const renders = new Map<string, Record<string, unknown>>();
  /** Renders whose webhook went out: the API reports them finished from then on. */
  const announced = new Set<string>();
  const webhooks = new Map<string, string>();
  const deliver = (url: string, id: string, kind: string) => {
    announced.add(id);
    const delivery = fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(finished(id, kind)),
    }).then(async (response) => {
      fake.webhookResponses.push(response.status);
      await response.body?.cancel();
    }).catch(() => fake.webhookResponses.push(0));
    pending.add(delivery);
    delivery.finally(() => pending.delete(delivery));
  };
  const pending = new Set<Promise<unknown>>();
  let counter = 0;
  const fake: FakeDid = {
    url: "",
    created: [],
    polls: 0,
    outcome: "done",
    deliverWebhook: true,
    webhookResponses: [],
    video,
    async [Symbol.asyncDispose]() {
      await Promise.all(pending);
      await server.shutdown();
    },
  };
  const finished = (id: string, kind: string) =>
    fake.outcome === "done"
      ? { id, object: kind, status: "done", result_url: `${fake.url}/results/${id}.mp4`, duration: 21.5 }
      : {
        id,
        object: kind,
        status: "rejected",
        error: { kind: "ContentModeration", description: "Rejected" },
      };

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const url = new URL(request.url);
    const [, resource, id] = url.pathname.split("/");
    if (resource === "results") return new Response(fake.video, { headers: { "content-type": "video/mp4" } });
    if (request.headers.get("authorization") !== `Basic ${apiKey}`) {
      return Response.json({ kind: "AuthorizationError", description: "Unauthorized" }, { status: 401 });
    }
    if (!["clips", "talks"].includes(resource)) {
      return Response.json({ kind: "NotFoundError" }, { status: 404 });
    }
    const kind = resource === "clips" ? "clip" : "talk";
    if (request.method === "POST" && !id) {
      const body = await request.json();
      fake.created.push({ path: `/${resource}`, body, authorization: request.headers.get("authorization") });
      const renderId = `${resource === "clips" ? "clp" : "tlk"}_${++counter}`;
      renders.set(renderId, { id: renderId, object: kind, status: "created" });
      if (fake.deliverWebhook && typeof body.webhook === "string") webhooks.set(renderId, body.webhook);
      return Response.json({
        id: renderId,
        object: kind,
        status: "created",
        created_at: new Date().toISOString(),
      }, {
        status: 201,
      });
    }
    if (request.method === "GET" && id) {
      fake.polls++;
      if (!renders.has(id)) return Response.json({ kind: "NotFoundError" }, { status: 404 });
      const webhook = webhooks.get(id);
      if (webhook) {
        // The render "finishes" after the first look, and D-ID calls back.
        webhooks.delete(id);
        deliver(webhook, id, kind);
        return Response.json({ id, object: kind, status: "started" });
      }
      // Polling sees the render finish on the second look (or once its webhook went out).
      const done = announced.has(id) || fake.polls >= 2;
      const state = done ? finished(id, kind) : { id, object: kind, status: "started" };
      return Response.json(state);
    }
    return Response.json({ kind: "MethodNotAllowed" }, { status: 405 });
  });
  fake.url = `http://127.0.0.1:${server.addr.port}`;
  return fake;
}
