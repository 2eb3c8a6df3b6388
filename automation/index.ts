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
  type CallerIdentity,
  type IdentityChecker,
  AwsHealthChecker,
  AwsIdentityChecker,
  describeChecks,
} from "./health";
export {
  type ImageReference,
  type ImageResolver,
  type ResolvedImage,
  type RegistryImageResolverOptions,
  ImageReferenceError,
  ImageResolutionError,
  RegistryImageResolver,
  parseImageRef,
} from "./digest";
export { type StackFileGuard, type StackFileOutcome, GitStackFile, RolloutRefusedError, StackFileDirtyError } from "./git";
export { type TagStore, type WaveRecord, type WaveState, RolloutJournal, rolloutId } from "./journal";
export { type Lease, LeaseHeldError, LeaseLostError } from "./lease";
export { isTransientAwsError, retryTransient } from "./retry";
export { RolloutView, rolloutSummary } from "./rollout-view";
export {
  type PlannedWave,
  type RolloutPlan,
  type RolloutOptions,
  type RolloutDeps,
  type RolloutEvent,
  type RolloutResult,
  type WaveOutcome,
  type RollbackOutcome,
  type RolloutStack,
  type PreflightReport,
  DEFAULT_BAKE_MINUTES,
  FailedWaveError,
  PreflightError,
  RolloutPlanError,
  describePlan,
  planRollout,
  runRollout,
} from "./rollout";
export { type OfflinePlanOptions, planRolloutFromFile } from "./offline";
