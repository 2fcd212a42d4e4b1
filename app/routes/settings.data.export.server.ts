// Settings → Data → Export's download (P10): the whole workspace streamed as one JSON file.
import { getDb } from "../../server/db/client";
import { exportStream } from "../../server/data-rights/export/export-stream";
import { logger } from "../../server/logger";

/** `salesascode-export-2026-11-30.json` (the UTC date, like every date the app shows). */
export function exportFileName(now: Date): string {
  return `salesascode-export-${now.toISOString().slice(0, 10)}.json`;
}

export async function exportResponse(userId: string, requestId: string, now = new Date()): Promise<Response> {
  const body = exportStream(await getDb(), userId, {
    now,
    onError: (error) => logger().error({ requestId, err: error }, "workspace export failed mid-stream"),
  });
  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${exportFileName(now)}"`,
      // The user's whole workspace: never kept by a browser or proxy cache.
      "Cache-Control": "no-store",
    },
  });
}
