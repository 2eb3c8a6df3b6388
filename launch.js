/**
 * Runs one of the project's TypeScript entry points — `index.ts` for `pulumi up` (Pulumi.yaml
 * `main`), `tools/plan.ts`, `tools/bench.ts` — from its compiled JavaScript in dist/ (built by
 * `npm ci`'s `prepare` script and `npm run build`), with source maps on so stack traces name
 * TypeScript lines. When any source is newer than its compiled file (or has none), it says so on
 * stderr and runs the TypeScript through tsx instead: slower to start, never stale.
 *
 *   node launch.js tools/plan.ts --stack dev        (what `npm run plan` does)
 *   node launch.js --check                          {"stale": <first stale source or null>}
 *
 * Why: loading @pulumi/aws through tsx's require hook costs about twice as much CPU as plain
 * `require` (docs/performance.md).
 */
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = __dirname;
/** What tsconfig.build.json compiles. */
const SOURCES = ["index.ts", "program.ts", "stacks", "components", "runtime", "offline", "automation", "policy", "verify", "review", "tools"];

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/** The first source whose dist/ JavaScript is missing or older, or undefined when dist/ is current. */
function staleSource() {
  const pending = [...SOURCES];
  while (pending.length > 0) {
    const rel = pending.pop();
    const abs = path.join(ROOT, rel);
    let stat;
    try {
      stat = fs.statSync(abs);
    } catch {
      continue;
    }
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(abs)) pending.push(path.join(rel, entry));
    } else if (rel.endsWith(".ts") && !rel.endsWith(".d.ts")) {
      if (mtime(path.join(ROOT, "dist", rel.replace(/\.ts$/, ".js"))) < stat.mtimeMs) return rel;
    }
  }
  return undefined;
}

/** Resolves `entry` (a .ts path relative to the project) to the file to require, compiled when current. */
function resolveEntry(entry) {
  const stale = staleSource();
  if (stale === undefined) {
    // Before the program's modules load: Node caches a module's source map only if maps are on when
    // it compiles. Not when a stack-trace hook is installed already: the SDK's runner (`pulumi up`)
    // loads source-map-support, which maps every frame itself from the same .map files, and with a
    // hook in place Node would load and parse every module's map for nothing.
    if (typeof Error.prepareStackTrace !== "function") process.setSourceMapsEnabled(true);
    return path.join(ROOT, "dist", entry.replace(/\.ts$/, ".js"));
  }
  process.stderr.write(`launch.js: dist/ is older than ${stale}; running the TypeScript through tsx (run \`npm run build\` to start faster)\n`);
  require("tsx/cjs");
  return path.join(ROOT, entry);
}

if (require.main === module) {
  // `node launch.js <entry.ts> [args...]`: the entry sees its own path and the rest as process.argv.
  const [entry, ...rest] = process.argv.slice(2);
  if (entry === "--check") {
    // Which source makes dist/ stale (null: current). For tests and for "why is it slow?".
    process.stdout.write(`${JSON.stringify({ stale: staleSource() ?? null })}\n`);
    process.exit(0);
  }
  if (!entry) {
    process.stderr.write("usage: node launch.js <entry.ts> [args...]\n");
    process.exit(1);
  }
  const file = resolveEntry(entry);
  process.argv = [process.argv[0], file, ...rest];
  // As the main module (`require.main === module` holds in the entry), like `node <file>` would.
  require("module").runMain();
} else {
  // Pulumi.yaml `main: launch.js`: the program's exports are the stack outputs.
  module.exports = require(resolveEntry("index.ts"));
}
