import { define } from "../../../../../lib/http/route.ts";
import { engineAdminAuth, engineModule, MintTokenBody, UserIdParam } from "../../../../../lib/engine/mod.ts";
import type { Handlers } from "../../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Mint a user JWT (development and support)",
    description:
      "Admin only (`X-API-Key` or Bearer `ENGINE_ADMIN_KEY`, or the Kiln admin token). HS256, `sub` = user id, `exp` = now + ttlSeconds.",
    tags: ["engine"],
    auth: engineAdminAuth,
    params: UserIdParam,
    body: MintTokenBody,
    responses: {
      201: { description: '`{userId, token, tokenType: "Bearer", expiresIn, expiresAt}`.' },
    },
    async handle({ params, body, services }) {
      const minted = await services.module(engineModule).tokens.signUser(params.id, body.ttlSeconds);
      return {
        status: 201,
        json: {
          ok: true,
          userId: params.id,
          token: minted.token,
          tokenType: "Bearer",
          expiresIn: body.ttlSeconds,
          expiresAt: new Date(minted.expiresAt * 1000).toISOString(),
        },
      };
    },
  }),
};
