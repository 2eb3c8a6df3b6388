/**
 * ecs-fleet's automation library: typed operations on a stack of this project (Automation API over
 * the project directory), a typed progress stream, typed errors, and region-by-region rollouts.
 *
 *   const stack = await openStack({ stack: "prod" });
 *   const result = await stack.up({ onEvent: (e) => console.log(e.kind, e.region, e.name) });
 */
export { type Clock, systemClock } from "./clock";
export {
  type ConfigChange,
  type ConfigScalar,
  type RawConfig,
  applyConfigChanges,
  describeChange,
} from "./config-edit";
export {
  FleetError,
  ConfigInvalidError,
  StackNotFoundError,
  ConcurrentUpdateError,
  PulumiCliMissingError,
  CommandError,
  PolicyViolationError,
  DeploymentRolledBackError,
  type ErrorDiagnostic,
  type FailedDeployment,
  type LockHolder,
  type PolicyViolation,
  LOCK_HINT,
  parseLockHolders,
  mapAutomationError,
} from "./errors";
export {
  type DeployedService,
  type DeploymentChecker,
  type AwsDeploymentCheckerOptions,
  AwsDeploymentChecker,
} from "./deployment-check";
export {
  type ChangeCounts,
  type FleetEvent,
  type ResourceStartedEvent,
  type ResourceFinishedEvent,
  type ResourceFailedEvent,
  type DiagnosticFleetEvent,
  type PolicyFleetEvent,
  type SummaryFleetEvent,
  EventTranslator,
  GLOBAL,
} from "./events";
export {
  type FleetStack,
  type OperationKind,
  type OperationOptions,
  type OperationResult,
  type OpenStackOptions,
  type LockRetryOptions,
  type StackOutputs,
  type StackState,
  type HistoryEntry,
  StateInvalidError,
  PulumiFleetStack,
  PROJECT_DIR,
  openStack,
} from "./fleet-stack";
export {
  type HealthChecker,
  type HealthCheck,
  type HealthReport,
  type HealthTarget,
  type HealthOutputs,
  type AwsHealthCheckerOptions,
  AwsHealthChecker,
  describeChecks,
} from "./health";
export {
  type PlannedWave,
  type RolloutPlan,
  type RolloutOptions,
  type RolloutDeps,
  type RolloutEvent,
  type RolloutResult,
  type WaveOutcome,
  type RollbackOutcome,
  DEFAULT_BAKE_MINUTES,
  RolloutPlanError,
  describePlan,
  planRollout,
  runRollout,
} from "./rollout";
export { type OfflinePlanOptions, planRolloutFromFile } from "./offline";
