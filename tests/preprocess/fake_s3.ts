/** A loopback S3: path-style PUT/GET/HEAD/DELETE and ListObjectsV2, refusing requests without a SigV4 header. */
export function fakeS3() {
  const objects = new Map<string, { bytes: Uint8Array; type: string }>();
  const authorizations: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const url = new URL(request.url);
    const authorization = request.headers.get("authorization") ?? "";
    authorizations.push(authorization);
    const shape =
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/auto\/s3\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/;
    if (
      !shape.test(authorization) || !request.headers.get("x-amz-date") ||
      !request.headers.get("x-amz-content-sha256")
    ) {
      return new Response("<Error><Code>AccessDenied</Code></Error>", { status: 403 });
    }
    const [, bucket, ...rest] = url.pathname.split("/");
    if (bucket !== "arke-staging") {
      return new Response("<Error><Code>NoSuchBucket</Code></Error>", { status: 404 });
    }
    const key = rest.map(decodeURIComponent).join("/");
    if (request.method === "GET" && key === "" && url.searchParams.get("list-type") === "2") {
      const prefix = url.searchParams.get("prefix") ?? "";
      const keys = [...objects.keys()].filter((name) => name.startsWith(prefix)).sort();
      const start = Number(url.searchParams.get("continuation-token") ?? 0);
      const page = keys.slice(start, start + 2);
      const more = start + 2 < keys.length;
      const contents = page.map((name) =>
        `<Contents><Key>${
          name.replace(/&/g, "&amp;")
        }</Key><LastModified>2025-01-15T10:30:00.000Z</LastModified><Size>${
          objects.get(name)!.bytes.length
        }</Size></Contents>`
      ).join("");
      return new Response(
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucket}</Name>${contents}<IsTruncated>${more}</IsTruncated>${
          more ? `<NextContinuationToken>${start + 2}</NextContinuationToken>` : ""
        }</ListBucketResult>`,
        { headers: { "content-type": "application/xml" } },
      );
    }
    const object = objects.get(key);
    switch (request.method) {
      case "PUT":
        objects.set(key, { bytes: await request.bytes(), type: request.headers.get("content-type") ?? "" });
        return new Response(null, { status: 200, headers: { etag: '"x"' } });
      case "GET":
      case "HEAD":
        if (!object) {
          return new Response(request.method === "GET" ? "<Error><Code>NoSuchKey</Code></Error>" : null, {
            status: 404,
          });
        }
        return new Response(request.method === "GET" ? object.bytes as BodyInit : null, {
          headers: {
            "content-type": object.type,
            "content-length": String(object.bytes.length),
            "last-modified": "Wed, 15 Jan 2025 10:30:00 GMT",
          },
        });
      case "DELETE":
        objects.delete(key);
        return new Response(null, { status: 204 });
    }
    return new Response(null, { status: 405 });
  });
  return { server, objects, authorizations, endpoint: `http://127.0.0.1:${server.addr.port}` };
}
