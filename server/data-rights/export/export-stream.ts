// The export as a web ReadableStream, for an HTTP response. Pull-based with a high-water mark of
// zero: a batch is read from the database only when the consumer asks for the next chunk, so a
// slow download waits instead of piling the workspace up in memory.
import type { Queryable } from "../../db/client";
import { exportChunks, type ExportOptions } from "./export-workspace";

export function exportStream(
  db: Queryable,
  userId: string,
  options: ExportOptions & { onError?: (error: unknown) => void } = {},
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const chunks = exportChunks(db, userId, options);
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (error) {
          // The status line has gone out already: erroring the stream cuts the response short,
          // which the browser reports as a failed download (and the page, as an error to retry).
          options.onError?.(error);
          controller.error(error);
        }
      },
      async cancel() {
        // The client went away: stop reading the database.
        await chunks.return(undefined);
      },
    },
    new CountQueuingStrategy({ highWaterMark: 0 }),
  );
}
