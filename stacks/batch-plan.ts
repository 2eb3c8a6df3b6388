/**
 * The pure planner for AWS Batch: validated `ecs-fleet:batch` config → per-region specs (names,
 * sizes, queues, dependency order of scheduled chains). No Outputs, no resources.
 *
 * The dependency-graph helpers (`after` edges) live in ./batch-graph, shared with validation; they
 * are re-exported here for the planner's callers.
 */
import type { BatchJob } from "./sections/batch";
import { cpuUnitsToVcpu } from "./fargate";
import { LIMITS, fitName, regionCode } from "./naming";
import { descendantsOf, graphOf, jobRegions, parallelStages, subgraph } from "./batch-graph";
import type { SecretValue } from "./sections/env";

export * from "./batch-graph";

// ---------------------------------------------------------------------------------------------
// Plan
// ---------------------------------------------------------------------------------------------

/** One job in one region, resolved. */
export interface BatchJobSpec {
  /** The config key. */
  name: string;
  /** Job definition name (≤ 128, the same in every region: job definitions are regional). */
  jobDefinitionName: string;
  /** IAM role names (global, so they carry the region code). */
  jobRoleName: string;
  executionRoleName: string;
  image: string;
  /** Container command; undefined keeps the image's. */
  command?: string[];
  /** Fargate vCPU as Batch expects it ("0.25" … "16"). */
  vcpu: string;
  /** MiB. */
  memory: number;
  environment: Record<string, string>;
  /** Variable name → secret reference (Secrets Manager ARN, SSM parameter ARN or name), or `{ valueFrom, kmsKey }`. */
  secrets: Record<string, SecretValue>;
  /** Parallel copies (array job); undefined for a single job. */
  arraySize?: number;
  /** Attempts (Batch retryStrategy.attempts), 1..10. */
  retries: number;
  /** Per-attempt timeout in seconds; undefined for none. */
  timeoutSeconds?: number;
  /** Submitted to the Spot-first queue. */
  spot: boolean;
  /** Jobs (in this region) this one comes after. */
  dependsOn: string[];
  /** Head of the scheduled chain this job belongs to, if any. */
  chain?: string;
}

/** A scheduled chain in one region: the head and every job that comes after it, in order. */
export interface BatchChainSpec {
  /** The scheduled job. */
  head: string;
  /** EventBridge Scheduler expression of the head. */
  schedule: string;
  /** Every job of the chain (head first) in a submit order that respects `after`. */
  order: string[];
  /** The same jobs as parallel stages: each stage starts when the previous one succeeded. */
  stages: string[][];
  /** Step Functions state machine name (≤ 80). */
  stateMachineName: string;
  /** EventBridge Scheduler schedule name (≤ 64). */
  scheduleName: string;
  /** IAM role names (global): the state machine's and the scheduler's. */
  stateMachineRoleName: string;
  schedulerRoleName: string;
}

/** Everything Batch needs in one region. */
export interface BatchRegionPlan {
  region: string;
  /** Name prefixes of the compute environments (auto-named, so a replacement can be created first). */
  computeEnvironmentPrefix: { fargate: string; fargateSpot: string };
  /** On-demand queue (FARGATE only). */
  queueName: string;
  /** Spot-first queue (FARGATE_SPOT, then FARGATE); only when a job in the region has `spot`. */
  spotQueueName?: string;
  /** Upper bound of vCPUs per compute environment. */
  maxVcpus: number;
  /** Log group of every job in the region. */
  logGroupName: string;
  /** Security group name prefix (without the trailing `-`) of the jobs' tasks. */
  securityGroupName: string;
  jobs: Record<string, BatchJobSpec>;
  chains: Record<string, BatchChainSpec>;
}

/** vCPU ceiling of each compute environment (the largest Fargate job has 16). */
export const DEFAULT_MAX_VCPUS = 256;
/** State machine names: 1..80 characters. */
export const STATE_MACHINE_NAME_LIMIT = 80;
/** EventBridge Scheduler schedule names: 1..64 characters. */
export const SCHEDULE_NAME_LIMIT = 64;
/** Security group namePrefix: at most 100 characters (the provider adds a unique suffix). */
const SECURITY_GROUP_PREFIX_LIMIT = 100;
/** A namePrefix leaves room for the provider's 26-character unique suffix. */
const NAME_PREFIX_LIMIT = LIMITS.batch - 26;

/**
 * Plans Batch per region: only regions with at least one job appear. `jobs` must be valid (checked
 * by checkBatch); throws DependencyCycleError if `after` forms a cycle.
 */
export function planBatch(
  jobs: Record<string, BatchJob>,
  regions: readonly string[],
  names: { project: string; stack: string },
): Record<string, BatchRegionPlan> {
  const graph = graphOf(jobs);
  // Fail early on a cycle, whatever the regions.
  parallelStages(graph);
  const base = [names.project, names.stack];
  const out: Record<string, BatchRegionPlan> = {};
  for (const region of regions) {
    const here = Object.keys(jobs)
      .filter((j) => jobRegions(jobs[j], regions).includes(region))
      .sort();
    if (here.length === 0) continue;
    const rc = regionCode(region);
    const local = subgraph(graph, here);

    const chains: Record<string, BatchChainSpec> = {};
    const chainOf = new Map<string, string>();
    for (const head of here.filter((j) => jobs[j].schedule !== undefined && (jobs[j].after ?? []).length === 0)) {
      const members = [head, ...descendantsOf(local, head)];
      const stages = parallelStages(subgraph(local, members));
      for (const m of members) chainOf.set(m, head);
      chains[head] = {
        head,
        schedule: jobs[head].schedule as string,
        order: stages.flat(),
        stages,
        stateMachineName: fitName([...base, head], STATE_MACHINE_NAME_LIMIT),
        scheduleName: fitName([...base, head], SCHEDULE_NAME_LIMIT),
        stateMachineRoleName: fitName([...base, rc, head, "sfn"], LIMITS.iamRole),
        schedulerRoleName: fitName([...base, rc, head, "sched"], LIMITS.iamRole),
      };
    }

    const specs: Record<string, BatchJobSpec> = {};
    for (const name of here) {
      const job = jobs[name];
      specs[name] = {
        name,
        jobDefinitionName: fitName([...base, name], LIMITS.batch),
        jobRoleName: fitName([...base, rc, name, "job"], LIMITS.iamRole),
        // "jobexec", not "exec": a service of the same name has `<...>-<name>-exec` (IAM names are account-wide).
        executionRoleName: fitName([...base, rc, name, "jobexec"], LIMITS.iamRole),
        image: job.image,
        command: job.command,
        vcpu: cpuUnitsToVcpu(job.cpu),
        memory: job.memory,
        environment: { ...(job.environment ?? {}) },
        secrets: { ...(job.secrets ?? {}) },
        arraySize: job.arraySize,
        retries: job.retries,
        timeoutSeconds: job.timeoutSeconds,
        spot: job.spot,
        dependsOn: local[name],
        chain: chainOf.get(name),
      };
    }

    out[region] = {
      region,
      computeEnvironmentPrefix: {
        fargate: `${fitName([...base, "fargate"], NAME_PREFIX_LIMIT - 1)}-`,
        fargateSpot: `${fitName([...base, "fargate-spot"], NAME_PREFIX_LIMIT - 1)}-`,
      },
      queueName: fitName([...base, "jobs"], LIMITS.batch),
      spotQueueName: here.some((j) => jobs[j].spot) ? fitName([...base, "jobs-spot"], LIMITS.batch) : undefined,
      maxVcpus: DEFAULT_MAX_VCPUS,
      logGroupName: `/${fitName([names.project], 200)}/${fitName([names.stack], 200)}/batch`,
      securityGroupName: fitName([...base, "batch"], SECURITY_GROUP_PREFIX_LIMIT - 1),
      jobs: specs,
      chains,
    };
  }
  return out;
}
