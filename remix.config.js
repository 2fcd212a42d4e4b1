// Remix's own options, read by the Remix Vite plugin in vite.config.ts
// (docs/decisions/001-remix-on-vite.md). Kept apart so they are Remix's settings, not Vite's.

/** @type {import("@remix-run/dev").VitePluginConfig} */
export default {
  appDirectory: "app",
  buildDirectory: "build",
  // Flat routes (Remix v2's convention): one file per route in app/routes. Route-only server code
  // sits beside its route as *.server.ts and tests as *.test.ts(x); neither is a route.
  ignoredRouteFiles: ["**/.*", "**/*.server.ts", "**/*.test.ts", "**/*.test.tsx", "**/*.css"],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_singleFetch: true,
    v3_lazyRouteDiscovery: true,
  },
};
