// /auth/salesforce/callback: Salesforce sends the browser back here (app/components/tool-connect-pages.tsx).
import type { MetaFunction } from "@remix-run/node";
import { callbackRoute } from "../components/tool-connect-pages";

export const meta: MetaFunction = () => [{ title: "Salesforce · Sales-as-Code" }];

const route = callbackRoute("salesforce");
export const loader = route.loader;
export default route.Page;
