// The app's API: one router per capability, merged here. Clients import only the AppRouter TYPE.
import { accountRouter } from "./routers/account";
import { accountsRouter } from "./routers/accounts";
import { healthRouter } from "./routers/health";
import { sessionsRouter } from "./routers/sessions";
import { createCallerFactory, createTRPCRouter } from "./init";

export const appRouter = createTRPCRouter({
  health: healthRouter,
  account: accountRouter,
  sessions: sessionsRouter,
  accounts: accountsRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process (Remix loaders and actions, tests), with the same context rules. */
export const createCaller = createCallerFactory(appRouter);
