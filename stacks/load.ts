/**
 * The only reader of Pulumi config in ecs-fleet: the stack's whole config map goes through the one
 * schema, and the program gets a plan or a `ConfigValidationError` naming every problem.
 */
import * as pulumi from "@pulumi/pulumi";
import { FleetConfig, NAMESPACE } from "./schema";
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

/** `ecs-fleet:` keys that hold an encrypted (`secure:`) value. */
export function secretNamespaceKeys(): string[] {
  const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret: (key: string) => boolean };
  return Object.keys(pulumi.runtime.allConfig()).filter((key) => key.startsWith(`${NAMESPACE}:`) && isConfigSecret(key));
}

/** Reads, validates and plans the current stack. */
export function loadPlan(now: Date = clockNow()): FleetPlan {
  return planFleet(loadConfig(now), { project: pulumi.getProject(), stack: pulumi.getStack(), secretKeys: secretNamespaceKeys(), now });
}
