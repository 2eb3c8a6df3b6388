/**
 * The CrossGuard policy pack entry: `pulumi preview --policy-pack policy`. Constructing the
 * PolicyPack starts the gRPC server the Pulumi engine talks to, so nothing imports this file; tests
 * and `npm run plan` use `./evaluate` and `./crossguard` instead.
 */
import { PolicyPack } from "@pulumi/policy";
import { buildPolicies } from "./crossguard";
import { rules } from "./rules";

new PolicyPack("ecs-fleet-security", {
  description: "ecs-fleet security baseline: ECS, load balancers, network, IAM, logs, SSM activations, Batch and tags.",
  displayName: "ecs-fleet security baseline",
  provider: "aws",
  tags: ["security", "ecs", "aws"],
  policies: buildPolicies(rules),
});
