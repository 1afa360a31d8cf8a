import { defineConfig } from "vite";

// The portal is served by `idguard serve` from web/dist; `npm run dev` proxies the API to a local
// server so the pages can be worked on with hot reload.
export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { outDir: "dist", assetsDir: "assets", sourcemap: false, chunkSizeWarningLimit: 800 },
  server: {
    proxy: {
      "/v1": "http://127.0.0.1:8080",
      "/v1.0": "http://127.0.0.1:8080",
    },
  },
});
