/**
 * The only reader of Pulumi config in ecs-fleet: the stack's whole config map goes through the one
 * schema, and the program gets a plan or a `ConfigValidationError` naming every problem.
 */
import * as pulumi from "@pulumi/pulumi";
import { FleetConfig } from "./schema";
import { FleetPlan, planFleet } from "./plan";
import { ConfigValidationError, validateConfig } from "./validate";
import { now as clockNow } from "./clock";

/** Reads and validates the current stack's config. */
export function loadConfig(now: Date = clockNow()): FleetConfig {
  const result = validateConfig(pulumi.runtime.allConfig(), {
    stack: pulumi.getStack(),
    project: pulumi.getProject(),
    now,
  });
  if (!result.ok) throw new ConfigValidationError(result.issues);
  return result.config;
}

/** Reads, validates and plans the current stack. */
export function loadPlan(now: Date = clockNow()): FleetPlan {
  return planFleet(loadConfig(now), { project: pulumi.getProject(), stack: pulumi.getStack() });
}
