/**
 * Entry point of `pulumi up`: load and validate the stack config, plan, create. Invalid config stops
 * here, before any resource is registered, with every problem and its key path.
 */
import { installCheapPromises } from "./runtime/promises";
import * as pulumi from "@pulumi/pulumi";
import { loadPlan } from "./stacks/load";
import { ConfigValidationError, formatIssue } from "./stacks/validate";
import { fleet } from "./program";

// Before any resource: the runtime's per-promise stack strings cost most of the run (runtime/promises.ts).
installCheapPromises();

function main() {
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
