// What only the Connections page's loader needs from the server: whether Google can be connected on
// this instance, and the notice after a handshake.
import { googleToolName, isGoogleTool } from "../../server/auth/google";
import { env } from "../../server/env";

export function googleOnThisInstance(): { fake: boolean } | null {
  const google = env().google;
  return google ? { fake: google.kind === "fake" } : null;
}

/**
 * After the handshake the callback lands on the page with ?connected=<tool>. Only a known tool's name
 * comes back, so a crafted link cannot make the page say anything else.
 */
export function justConnectedTool(url: URL): string | null {
  const connected = url.searchParams.get("connected");
  return connected && isGoogleTool(connected) ? googleToolName(connected) : null;
}
