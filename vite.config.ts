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
  server: {
    // The Express entry (server/index.ts) owns the port; Vite runs as its middleware.
    hmr: { port: 24678 },
  },
});
