// What only the Connections page's loader needs from the server: which tools can be connected on
// this instance (and whether through a built-in fake), and the notice after a handshake.
import { googleToolName, isGoogleTool } from "../../server/auth/google";
import { connectToolName, isConnectTool } from "../../server/auth/tool-connect";
import { PlanRequiredError } from "../../server/errors";
import { env } from "../../server/env";

export function googleOnThisInstance(): { fake: boolean } | null {
  const google = env().google;
  return google ? { fake: google.kind === "fake" } : null;
}

/** Salesforce and Outreach as set up here: null when not, else whether it is the built-in fake. */
export function crmToolsOnThisInstance(): {
  salesforce: { fake: boolean; loginUrl: string } | null;
  outreach: { fake: boolean } | null;
} {
  const { salesforce, outreach } = env();
  return {
    salesforce: salesforce ? { fake: salesforce.kind === "fake", loginUrl: salesforce.loginUrl } : null,
    outreach: outreach ? { fake: outreach.kind === "fake" } : null,
  };
}

/**
 * After the handshake the callback lands on the page with ?connected=<tool>. Only a known tool's name
 * comes back, so a crafted link cannot make the page say anything else.
 */
export function justConnectedTool(url: URL): string | null {
  const connected = url.searchParams.get("connected");
  if (!connected) return null;
  if (isGoogleTool(connected)) return googleToolName(connected);
  return isConnectTool(connected) ? connectToolName(connected) : null;
}

/**
 * "Connect Gmail / Google Calendar" on Free comes back with ?plan_required=<tool> (no handshake was
 * started): the sentence saying connecting is Pro and where to upgrade. Only a known tool's name.
 */
export function planRequiredNotice(url: URL): string | null {
  const tool = url.searchParams.get("plan_required");
  if (!tool || !isGoogleTool(tool)) return null;
  return new PlanRequiredError(`Connecting ${googleToolName(tool)}`).message;
}
