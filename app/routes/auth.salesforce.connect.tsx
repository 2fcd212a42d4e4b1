// /auth/salesforce/connect: Settings → Connections' "Connect Salesforce" (and "Reconnect") button posts here
// (app/components/tool-connect-pages.tsx).
import type { MetaFunction } from "@remix-run/node";
import { connectRoute } from "../components/tool-connect-pages";

export const meta: MetaFunction = () => [{ title: "Connect Salesforce · Sales-as-Code" }];

const route = connectRoute("salesforce", "Salesforce");
export const action = route.action;
export const loader = route.loader;
export default route.Page;
