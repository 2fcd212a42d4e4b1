// /auth/salesforce/connect: Settings → Connections' "Connect Salesforce" (and "Reconnect") button posts here.
// POST only, like every form that changes something (the global same-origin check guards it).
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { ConnectToolPage } from "../components/tool-connect-pages";
import { connectToolAction } from "../utils/tool-connect.server";

export const meta: MetaFunction = () => [{ title: "Connect Salesforce · Sales-as-Code" }];

export const action = (args: ActionFunctionArgs) => connectToolAction("salesforce", args);

export function loader() {
  return null;
}

export default function ConnectSalesforce() {
  return <ConnectToolPage name="Salesforce" />;
}
