/**
 * The parts of `@pulumi/aws` the program uses, each from its own module.
 *
 * `require("@pulumi/aws")` loads the index of every one of the package's ~250 namespaces (each
 * registering its resource modules and lazy getters): about 120 ms at every `pulumi up`, plan and
 * test process, for the 15 namespaces the program needs (about 35 ms). Components and program.ts
 * import this module as `aws` and read `aws.ecs.Service`, `aws.Provider`… exactly as before; every
 * namespace used is here, so its resource modules are registered as they would be through the
 * package index (deserializing resource references, e.g. the awsx Vpc's subnets, needs them).
 * Types come from the package itself (type-only, erased at run time).
 */
export * as acm from "@pulumi/aws/acm";
export * as appautoscaling from "@pulumi/aws/appautoscaling";
export * as batch from "@pulumi/aws/batch";
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as ec2 from "@pulumi/aws/ec2";
export * as ecs from "@pulumi/aws/ecs";
export * as iam from "@pulumi/aws/iam";
export * as lb from "@pulumi/aws/lb";
export * as route53 from "@pulumi/aws/route53";
export * as s3 from "@pulumi/aws/s3";
export * as scheduler from "@pulumi/aws/scheduler";
export * as servicediscovery from "@pulumi/aws/servicediscovery";
export * as sfn from "@pulumi/aws/sfn";
export * as vpc from "@pulumi/aws/vpc";
export * as ssm from "@pulumi/aws/ssm";
export { Provider } from "@pulumi/aws/provider";
export { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
export { getPartitionOutput } from "@pulumi/aws/getPartition";
export { getRegionOutput } from "@pulumi/aws/getRegion";
export type { Region } from "@pulumi/aws";
export type * as types from "@pulumi/aws/types";
