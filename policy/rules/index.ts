/** Every rule of the ecs-fleet security baseline, one per file. Order is the report order. */
import { Rule } from "../types";
import { batchJobNoPrivileged } from "./batch-job-no-privileged";
import { ecsClusterContainerInsights } from "./ecs-cluster-container-insights";
import { ecsServiceCircuitBreaker } from "./ecs-service-circuit-breaker";
import { ecsServiceNoPublicIp } from "./ecs-service-no-public-ip";
import { ecsTaskFargateAwsvpc } from "./ecs-task-fargate-awsvpc";
import { ecsTaskLogging } from "./ecs-task-logging";
import { ecsTaskNoHostPid } from "./ecs-task-no-host-pid";
import { ecsTaskNoPlainSecrets } from "./ecs-task-no-plain-secrets";
import { ecsTaskNoPrivileged } from "./ecs-task-no-privileged";
import { ecsTaskReadonlyRoot } from "./ecs-task-readonly-root";
import { ecsTaskSeparateRoles } from "./ecs-task-separate-roles";
import { iamNoWildcardAdmin } from "./iam-no-wildcard-admin";
import { iamPassroleScoped } from "./iam-passrole-scoped";
import { iamTrustSpecificServices } from "./iam-trust-specific-services";
import { lbAccessLogs } from "./lb-access-logs";
import { lbDeletionProtection } from "./lb-deletion-protection";
import { lbDropInvalidHeaders } from "./lb-drop-invalid-headers";
import { lbHttpRedirectsToHttps } from "./lb-http-redirects-to-https";
import { lbListenerTlsPolicy } from "./lb-listener-tls-policy";
import { lbTargetGroupHealthCheck } from "./lb-target-group-health-check";
import { logGroupRetention } from "./log-group-retention";
import { sgDescription } from "./sg-description";
import { sgNoPublicIngress } from "./sg-no-public-ingress";
import { ssmActivationLimits } from "./ssm-activation-limits";
import { subnetPrivateNoPublicIp } from "./subnet-private-no-public-ip";
import { tagsRequired } from "./tags-required";
import { vpcFlowLogs } from "./vpc-flow-logs";

export const rules: Rule[] = [
  batchJobNoPrivileged,
  ecsClusterContainerInsights,
  ecsServiceCircuitBreaker,
  ecsServiceNoPublicIp,
  ecsTaskFargateAwsvpc,
  ecsTaskLogging,
  ecsTaskNoHostPid,
  ecsTaskNoPlainSecrets,
  ecsTaskNoPrivileged,
  ecsTaskReadonlyRoot,
  ecsTaskSeparateRoles,
  iamNoWildcardAdmin,
  iamPassroleScoped,
  iamTrustSpecificServices,
  lbAccessLogs,
  lbDeletionProtection,
  lbDropInvalidHeaders,
  lbHttpRedirectsToHttps,
  lbListenerTlsPolicy,
  lbTargetGroupHealthCheck,
  logGroupRetention,
  sgDescription,
  sgNoPublicIngress,
  ssmActivationLimits,
  subnetPrivateNoPublicIp,
  tagsRequired,
  vpcFlowLogs,
];
