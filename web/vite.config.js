// vite.config.js: builds the application into web/dist (served by `interdict serve`).  No
// inline scripts (the server's Content-Security-Policy allows scripts from 'self' only), no
// external hosts, everything bundled.
import { defineConfig } from 'vite';

export default defineConfig({
	base: '/',
	build: {
		outDir: 'dist',
		emptyOutDir: true,
		target: 'es2022',
		assetsInlineLimit: 0,
		modulePreload: { polyfill: false },
		chunkSizeWarningLimit: 1500,
		sourcemap: false,
		// no report of plugin timings on every build
		rolldownOptions: { checks: { pluginTimings: false } },
	},
	server: {
		proxy: { '/api': 'http://127.0.0.1:8080' },
	},
});
