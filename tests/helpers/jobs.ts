// Job handlers a test can hold back and wait for, so it waits on "the job ran" itself instead of
// polling the database on a timer, and decides what it checks before the job runs.
import type { JobHandler } from "../../server/jobs/jobs";

export function watchedJob(
  handler: JobHandler,
  options: {
    /** Which runs `finished` is about (by the job's data); every run by default. */
    matching?: (data: Record<string, unknown>) => boolean;
    /** Keep every run waiting until `release()`. */
    held?: boolean;
  } = {},
) {
  let release = () => {};
  const released = options.held ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
  let succeed = () => {};
  let fail: (error: unknown) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    succeed = resolve;
    fail = reject;
  });
  // A failed run is the test's failure when it awaits `finished`, not an unhandled rejection before that.
  finished.catch(() => {});
  const watched: JobHandler = async (data) => {
    await released;
    if (!(options.matching?.(data) ?? true)) return handler(data);
    try {
      await handler(data);
      succeed();
    } catch (error) {
      // Fail at the first error: pg-boss would retry minutes later, long after the test gave up.
      fail(error);
      throw error;
    }
  };
  return {
    handler: watched,
    release: () => release(),
    /** Settles when the first matching run has finished: resolved if it succeeded, rejected with its error if not. */
    finished,
  };
}
