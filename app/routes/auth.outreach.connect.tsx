// /auth/outreach/connect: Settings → Connections' "Connect Outreach" (and "Reconnect") button posts here
// (app/components/tool-connect-pages.tsx).
import type { MetaFunction } from "@remix-run/node";
import { connectRoute } from "../components/tool-connect-pages";

export const meta: MetaFunction = () => [{ title: "Connect Outreach · Sales-as-Code" }];

const route = connectRoute("outreach", "Outreach");
export const action = route.action;
export const loader = route.loader;
export default route.Page;
