#!/usr/bin/env node
// The package is compiled to dist/ by `tsc` (npm's `prepare` runs it on install).
import { run } from "../dist/src/cli/main.js";

await run();
