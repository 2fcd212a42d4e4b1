// The app's API: one router per capability, merged here. Clients import only the AppRouter TYPE.
import { accountsRouter } from "./routers/accounts";
import { activityRouter } from "./routers/activity";
import { billingRouter } from "./routers/billing";
import { brainRouter } from "./routers/brain";
import { connectionsRouter } from "./routers/connections";
import { conversationsRouter } from "./routers/conversations";
import { dashboardRouter } from "./routers/dashboard";
import { healthRouter } from "./routers/health";
import { meetingsRouter } from "./routers/meetings";
import { meRouter } from "./routers/me";
import { notesRouter } from "./routers/notes";
import { opportunitiesRouter } from "./routers/opportunities";
import { prospectsRouter } from "./routers/prospects";
import { searchRouter } from "./routers/search";
import { sessionsRouter } from "./routers/sessions";
import { workspaceRouter } from "./routers/workspace";
import { createCallerFactory, createTRPCRouter } from "./init";

export const appRouter = createTRPCRouter({
  health: healthRouter,
  me: meRouter,
  sessions: sessionsRouter,
  accounts: accountsRouter,
  prospects: prospectsRouter,
  opportunities: opportunitiesRouter,
  conversations: conversationsRouter,
  meetings: meetingsRouter,
  notes: notesRouter,
  activity: activityRouter,
  dashboard: dashboardRouter,
  search: searchRouter,
  workspace: workspaceRouter,
  brain: brainRouter,
  connections: connectionsRouter,
  billing: billingRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process (Remix loaders and actions, tests), with the same context rules. */
export const createCaller = createCallerFactory(appRouter);
