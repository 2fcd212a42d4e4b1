import { vitePlugin as remix } from "@remix-run/dev";
import tailwindcss from "@tailwindcss/vite";
import { defineConfig } from "vite";
import remixConfig from "./remix.config.js";

export default defineConfig({
  plugins: [tailwindcss(), remix(remixConfig)],
  build: {
    // Source maps for server errors, none shipped to browsers.
    sourcemap: false,
  },
  optimizeDeps: {
    // The browser's dependencies, pre-bundled up front and only these. Left to discover them, Vite
    // (a) re-optimises mid-session and the page can end up with two copies of React ("Invalid hook
    // call" during hydration), and (b) follows route modules into their server-only imports and
    // tries to bundle argon2 or Prisma for the browser. A browser dependency that is not plain ESM
    // belongs in this list; tests/e2e/dev-server.e2e.ts fails if one is missing.
    noDiscovery: true,
    include: [
      "react",
      "react/jsx-runtime",
      "react/jsx-dev-runtime",
      "react-dom",
      "react-dom/client",
      "@remix-run/react",
      "@tanstack/react-query",
      "@trpc/client",
      "@trpc/tanstack-react-query",
      "superjson",
      // Brain answers' Markdown. Some of what they import is CommonJS (unified uses extend; micromark
      // uses debug in the development build Vite serves).
      "react-markdown",
      "remark-gfm",
      // Loaded on demand, only for answers written with the user's own key (P16).
      "@anthropic-ai/sdk",
    ],
  },
});
