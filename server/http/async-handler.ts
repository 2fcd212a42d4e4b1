// Express 4 ignores the promise an async handler returns: a rejection would be unhandled and the
// request would hang. Every async handler goes through this, so a failure reaches the error handler.
import type { NextFunction, Request, RequestHandler, Response } from "express";

export function asyncHandler(
  handler: (req: Request, res: Response, next: NextFunction) => Promise<void>,
): RequestHandler {
  return (req, res, next) => {
    handler(req, res, next).catch(next);
  };
}
