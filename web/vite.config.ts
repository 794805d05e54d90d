import { defineConfig } from 'vite';

// The built files are served by the api role (web.root = web/dist, docs/web.md); no inline scripts or styles,
// so the Content-Security-Policy can stay 'self' only.
export default defineConfig({
  build: { outDir: 'dist', assetsDir: 'assets', assetsInlineLimit: 0, sourcemap: false, target: 'es2022' },
  test: { include: ['test/**/*.test.ts'], environment: 'node' },
});
