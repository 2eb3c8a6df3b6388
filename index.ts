/**
 * Entry point of `pulumi up`: load and validate the stack config, plan, create. Invalid config stops
 * here, before any resource is registered, with every problem and its key path.
 *
 * The Pulumi CLI parses the stack file itself, but its YAML reader accepts things the config map
 * cannot carry faithfully (`!!binary`, `!!set`, `!!omap` tags, `.inf`, keys outside
 * `<namespace>:<name>`). When `Pulumi.<stack>.yaml` sits next to Pulumi.yaml, the program runs the
 * same reader checks as `npm run plan` and stops with the same `<file>:<line>:<col>` messages.
 */
// First: defers SDK modules this program never uses (runtime/lazy-modules.ts).
import "./runtime/boot";
import { installCheapPromises } from "./runtime/promises";
import { quietSdkDebugLogs } from "./runtime/quiet-sdk-log";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { loadPlan } from "./stacks/load";
import { ConfigValidationError, formatIssue } from "./stacks/validate";
import { StackFileError, parseStackConfig } from "./offline/stack-file";
import { fleet } from "./program";
import { PROJECT_ROOT } from "./runtime/root";

// Before any resource: the runtime's per-promise stack strings cost most of the run (runtime/promises.ts).
installCheapPromises();
// And the SDK's per-resource debug messages, one engine RPC each (runtime/quiet-sdk-log.ts).
quietSdkDebugLogs();

/** Runs the stack-file reader's checks on `Pulumi.<stack>.yaml` next to this program, if present. */
function checkStackFile(): void {
  for (const ext of ["yaml", "yml"]) {
    const file = path.join(PROJECT_ROOT, `Pulumi.${pulumi.getStack()}.${ext}`);
    if (!fs.existsSync(file)) continue;
    try {
      parseStackConfig(fs.readFileSync(file, "utf8"), path.basename(file));
    } catch (err) {
      if (!(err instanceof StackFileError)) throw err;
      for (const line of err.lines()) pulumi.log.error(line);
      throw new pulumi.RunError(`invalid stack file: ${err.problems.length} problem(s), listed above`);
    }
    return;
  }
}

function main() {
  checkStackFile();
  try {
    return fleet(loadPlan());
  } catch (err) {
    if (err instanceof ConfigValidationError) {
      for (const issue of err.issues) pulumi.log.error(formatIssue(issue));
      throw new pulumi.RunError(`invalid stack config: ${err.issues.length} problem(s), listed above`);
    }
    throw err;
  }
}

export = main();
