/** Shared set-up of the conversation tests: a test Kiln with known tokens, a session factory. */
import { testKiln } from "../support/kiln.ts";

export const serviceToken = "test-display-service-token-0123456789abcdef";
export const themeToken = "test-theme-api-token-0123456789abcdef-012345";
export const conversationEnv = {
  DISPLAY_SERVICE_TOKEN: serviceToken,
  THEME_API_TOKEN: themeToken,
  SIGNING_KEY: "test-signing-key-0123456789abcdef-0123456789",
};

export const asService = { authorization: `Bearer ${serviceToken}` };
export const asThemeAdmin = { authorization: `Bearer ${themeToken}` };

export function conversationKiln(env: Record<string, string> = {}) {
  return testKiln({ ...conversationEnv, ...env });
}

type Kiln = Awaited<ReturnType<typeof conversationKiln>>;

export interface CreatedSession {
  sessionId: string;
  displayUrl: string;
  writeToken: string;
  token: string;
}

export async function createSession(
  kiln: Kiln,
  tenantId = "bistro",
  category = "restaurant",
): Promise<CreatedSession> {
  const response = await kiln.request("/conversation/new/init", {
    json: { tenantId, category },
    headers: asService,
  });
  if (response.status !== 201) throw new Error(`init failed: ${response.status} ${await response.text()}`);
  const body = await response.json();
  return { ...body, token: new URL(body.displayUrl).searchParams.get("token")! };
}

export function postUpdate(kiln: Kiln, sessionId: string, update: unknown, token = serviceToken) {
  return kiln.request(`/conversation/${sessionId}/update`, {
    json: update,
    headers: { authorization: `Bearer ${token}` },
  });
}
