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
    // Pre-bundle the browser's dependencies up front. Discovered late, Vite re-optimises mid-session
    // and the page can end up with two copies of React ("Invalid hook call" during hydration).
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
    ],
  },
});
