// Stands in for the commands other than `run` in dist/cli/bundle-run.js (scripts/bundle.mjs):
// scripts/bundle-entry.ts sends every other command line to dist/cli/bundle-full.js.
throw new Error('bulkhead: internal error: this command is not in the run bundle');
