// /auth/outreach/connect: Settings → Connections' "Connect Outreach" (and "Reconnect") button posts here.
// POST only, like every form that changes something (the global same-origin check guards it).
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { ConnectToolPage } from "../components/tool-connect-pages";
import { connectToolAction } from "../utils/tool-connect.server";

export const meta: MetaFunction = () => [{ title: "Connect Outreach · Sales-as-Code" }];

export const action = (args: ActionFunctionArgs) => connectToolAction("outreach", args);

export function loader() {
  return null;
}

export default function ConnectOutreach() {
  return <ConnectToolPage name="Outreach" />;
}
