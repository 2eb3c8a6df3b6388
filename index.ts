/**
 * Entry point of `pulumi up`: load and validate the stack config, plan, create. Invalid config stops
 * here, before any resource is registered, with every problem and its key path.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadPlan } from "./stacks/load";
import { ConfigValidationError, formatIssue } from "./stacks/validate";
import { fleet } from "./program";

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
