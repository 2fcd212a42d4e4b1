// /auth/salesforce/callback: Salesforce sends the browser back here.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ToolCallbackPage } from "../components/tool-connect-pages";
import { toolCallbackLoader } from "../utils/tool-connect.server";

export const meta: MetaFunction = () => [{ title: "Salesforce · Sales-as-Code" }];

export const loader = (args: LoaderFunctionArgs) => toolCallbackLoader("salesforce", args);

export default ToolCallbackPage;
