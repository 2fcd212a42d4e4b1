// The two ends of connecting Salesforce or Outreach from Settings → Connections, shared by their
// routes (app/routes/auth.{salesforce,outreach}.*.tsx): the form post that
// starts the handshake, and the callback that finishes it. Every refusal is a page with words and a
// 4xx/502 status and a link back to Connections, never a 500; success lands on Connections.
import { data, redirect, type ActionFunctionArgs, type AppLoadContext, type LoaderFunctionArgs } from "@remix-run/node";
import {
  beginToolConnect,
  clearToolStateCookie,
  completeToolConnect,
  connectToolName,
  salesforceLoginUrl,
  type ConnectTool,
} from "../../server/auth/tool-connect";
import { connectRefusedByPlan } from "../../server/billing/gates";
import { getDb } from "../../server/db/client";
import { env } from "../../server/env";
import { connectTool } from "../../server/integrations/connect";
import { requireUser } from "./auth.server";
import { formText } from "./forms.server";

export type ConnectRefusal = { ok: false; status: number; title: string; message: string; headers: Headers };
export type ConnectStarted = { ok: true; location: string; headers: Headers };

const TITLE = "Nothing was connected";

function configs() {
  const config = env();
  return { salesforce: config.salesforce, outreach: config.outreach };
}

/** "Connect <tool>": the state cookie (state, PKCE verifier, tool, user, login host), then the provider. */
export async function startToolConnect(
  tool: ConnectTool,
  request: Request,
  context: AppLoadContext,
): Promise<ConnectStarted | ConnectRefusal> {
  const user = requireUser(context, request);
  const config = env();
  const headers = new Headers({ "Cache-Control": "no-store" });
  const name = connectToolName(tool);
  const tools = configs();
  if (!tools[tool])
    return {
      ok: false,
      status: 404,
      title: TITLE,
      message: `${name} is not set up on this instance (see “Connecting Salesforce and Outreach” in the README).`,
      headers,
    };
  // On Free: refused before any handshake or state cookie (402, with where to upgrade).
  const planRefusal = await connectRefusedByPlan(await getDb(), user.id, name);
  if (planRefusal) return { ok: false, status: 402, title: TITLE, message: planRefusal, headers };
  let loginUrl: string | undefined;
  if (tool === "salesforce") {
    const form = await request.formData();
    const chosen = salesforceLoginUrl(tools.salesforce!, {
      environment: formText(form, "environment"),
      myDomain: formText(form, "myDomain"),
    });
    if (!chosen.ok) return { ok: false, status: 400, title: TITLE, message: chosen.message, headers };
    loginUrl = chosen.loginUrl;
  }
  const { url, cookie } = beginToolConnect(tool, tools, {
    appUrl: config.APP_URL,
    secure: config.httpsProtections,
    userId: user.id,
    ...(loginUrl ? { loginUrl } : {}),
  });
  headers.append("Set-Cookie", cookie);
  return { ok: true, location: url, headers };
}

/** The provider sends the browser back here: check, exchange, store, queue the first sync. */
export async function finishToolConnect(
  tool: ConnectTool,
  request: Request,
  context: AppLoadContext,
): Promise<ConnectStarted | ConnectRefusal> {
  const config = env();
  const headers = new Headers({ "Cache-Control": "no-store" });
  // The state cookie is single use: cleared whatever happens next.
  headers.append("Set-Cookie", clearToolStateCookie(tool, config.httpsProtections));
  const refuse = (status: number, message: string): ConnectRefusal => ({
    ok: false,
    status,
    title: TITLE,
    message,
    headers,
  });
  const user = context.auth.user;
  if (!user)
    return refuse(
      401,
      `You were signed out before ${connectToolName(tool)} answered, so nothing was connected. Sign in and start again.`,
    );
  // A handshake started on Pro that comes back on Free: no token exchange, nothing stored.
  const planRefusal = await connectRefusedByPlan(await getDb(), user.id, connectToolName(tool));
  if (planRefusal) return refuse(402, planRefusal);
  const granted = await completeToolConnect(tool, configs(), user.id, {
    appUrl: config.APP_URL,
    query: new URL(request.url).searchParams,
    cookieHeader: request.headers.get("cookie"),
  });
  if (!granted.ok) return refuse(granted.status, granted.message);
  const connected = await connectTool(await getDb(), user.id, granted.granted);
  if (!connected.ok) return refuse(connected.status, connected.message);
  return { ok: true, location: `/settings/connections?connected=${tool}`, headers };
}

/**
 * The action of /auth/<tool>/connect: to the provider, or a refusal page. (Its loader does not
 * redirect: Remix runs the loader after the action too, and a redirect would swallow the refusal.)
 */
export async function connectToolAction(tool: ConnectTool, { request, context }: ActionFunctionArgs) {
  const started = await startToolConnect(tool, request, context);
  if (started.ok) return redirect(started.location, { headers: started.headers });
  return data({ title: started.title, message: started.message }, { status: started.status, headers: started.headers });
}

/** The loader of /auth/<tool>/callback: to Connections, or a refusal page (4xx/502, never a 500). */
export async function toolCallbackLoader(tool: ConnectTool, { request, context }: LoaderFunctionArgs) {
  const finished = await finishToolConnect(tool, request, context);
  if (finished.ok) return redirect(finished.location, { headers: finished.headers });
  return data(
    { title: finished.title, message: finished.message },
    { status: finished.status, headers: finished.headers },
  );
}
