/**
 * The business engine module (Pluct): its one public entry. main.ts registers `engineModule`
 * (modules.ts); routes fetch its API with `services.module(engineModule)` and import the schemas
 * and auth helpers they use from here, never from the files beside it.
 */
import { defineModule } from "../services.ts";
import { setupEngine } from "./setup.ts";
import { engineVariables } from "./config.ts";

export const engineModule = defineModule({
  name: "engine",
  variables: engineVariables,
  setup: setupEngine,
});

export type { EngineService } from "./service.ts";
export { principalUserId, type ServicePrincipal } from "./auth.ts";
export { servicesHealth } from "./health.ts";
export {
  AddCreditsBody,
  BalanceSchema,
  engineAdminAuth,
  HoldSchema,
  JobIdParam,
  LedgerEntrySchema,
  MediaUrlBody,
  MetaQuery,
  MintTokenBody,
  RequestIdParam,
  TransactionsQuery,
  UserIdParam,
  VendTokenBody,
} from "./schemas.ts";
export { serviceScope } from "./tokens.ts";
