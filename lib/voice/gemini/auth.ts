/**
 * Where and how to open a Live API session. Two credential sets, as Stonepot's deployments had:
 * - Gemini Developer API: `GEMINI_API_KEY` in the URL's `key` parameter;
 * - Vertex AI: a service-account key (`GOOGLE_APPLICATION_CREDENTIALS`) exchanged for an OAuth
 *   access token (a signed JWT assertion posted to the key's `token_uri`), sent as a Bearer header
 *   and renewed a minute before it expires.
 */
import { importPKCS8, SignJWT } from "jose";
import { KilnError } from "../../errors.ts";

export interface LiveEndpoint {
  url: string;
  headers: Record<string, string>;
  /** The `setup.model` resource name. */
  model: string;
}

export interface LiveCredentials {
  endpoint(): Promise<LiveEndpoint>;
  describe: string;
}

export interface GeminiSettings {
  apiKey?: string;
  projectId?: string;
  location: string;
  model?: string;
  credentialsPath?: string;
  url?: string;
}

const geminiApiUrl =
  "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";

export function liveCredentials(settings: GeminiSettings): LiveCredentials {
  if (settings.projectId && settings.credentialsPath) return vertexCredentials(settings);
  const apiKey = settings.apiKey;
  if (!apiKey) throw new Error("the gemini provider needs GEMINI_API_KEY or Vertex credentials");
  const model = settings.model ?? "gemini-live-2.5-flash-preview";
  return {
    describe: `Gemini API (${model})`,
    endpoint: () => {
      const url = new URL(settings.url ?? geminiApiUrl);
      url.searchParams.set("key", apiKey);
      return Promise.resolve({ url: url.href, headers: {}, model: `models/${model}` });
    },
  };
}

interface ServiceAccount {
  client_email: string;
  private_key: string;
  token_uri?: string;
}

function vertexCredentials(settings: GeminiSettings): LiveCredentials {
  const { projectId, location } = settings;
  const model = settings.model ?? "gemini-2.0-flash-live-preview-04-09";
  const url = settings.url ??
    `wss://${location}-aiplatform.googleapis.com/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent`;
  let cached: { token: string; expiresAt: number } | undefined;

  async function accessToken(): Promise<string> {
    if (cached && cached.expiresAt - 60_000 > Date.now()) return cached.token;
    let account: ServiceAccount;
    try {
      account = JSON.parse(await Deno.readTextFile(settings.credentialsPath!));
    } catch {
      throw new KilnError(
        "unavailable",
        "agent_unavailable",
        "GOOGLE_APPLICATION_CREDENTIALS is not a readable service-account key.",
      );
    }
    const tokenUri = account.token_uri ?? "https://oauth2.googleapis.com/token";
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ scope: "https://www.googleapis.com/auth/cloud-platform" })
      .setProtectedHeader({ alg: "RS256", typ: "JWT" })
      .setIssuer(account.client_email)
      .setAudience(tokenUri)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(await importPKCS8(account.private_key, "RS256"));
    const response = await fetch(tokenUri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok || typeof body.access_token !== "string") {
      throw new KilnError(
        "upstream",
        "agent_unavailable",
        `Google refused the service-account key (HTTP ${response.status}).`,
      );
    }
    cached = { token: body.access_token, expiresAt: Date.now() + (Number(body.expires_in) || 3600) * 1000 };
    return cached.token;
  }

  return {
    describe: `Vertex AI (${projectId}, ${location}, ${model})`,
    endpoint: async () => ({
      url,
      headers: { authorization: `Bearer ${await accessToken()}` },
      model: `projects/${projectId}/locations/${location}/publishers/google/models/${model}`,
    }),
  };
}
