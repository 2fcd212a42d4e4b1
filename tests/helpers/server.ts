// The real Express app on a loopback port, for tests that speak HTTP to it.
import type { AddressInfo } from "node:net";
import type { RequestHandler } from "express";
import { createApp } from "../../server/app";
import { parseEnv } from "../../server/env";

export async function startTestServer(
  options: { env?: Record<string, string>; pages?: RequestHandler } = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const env = parseEnv({ NODE_ENV: "test", LOG_LEVEL: "silent", ...options.env });
  const pages: RequestHandler = options.pages ?? ((_req, res) => void res.status(200).type("text/plain").send("pages"));
  const { app, close } = await createApp({ env, pages: { kind: "handler", handler: pages } });
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await close();
    },
  };
}
