/**
 * The pure planner for AWS Batch: validated `ecs-fleet:batch` config → per-region specs (names,
 * sizes, queues, dependency order of scheduled chains). No Outputs, no resources.
 *
 * Also home of the dependency-graph helpers (`after` edges) that validation uses, so the checks and
 * the planner agree on what a cycle, a chain and a submit order are.
 */
import type { BatchJob } from "./sections/batch";
import { cpuUnitsToVcpu } from "./fargate";
import { LIMITS, fitName, regionCode } from "./naming";

// ---------------------------------------------------------------------------------------------
// Dependency graph
// ---------------------------------------------------------------------------------------------

/**
 * A job dependency graph: every job (a key) with the jobs it comes `after` (its predecessors).
 * Predecessors that are not keys are ignored by every helper (validation reports them separately).
 */
export type DependencyGraph = Readonly<Record<string, readonly string[]>>;

function predecessors(graph: DependencyGraph, node: string): string[] {
  return [...new Set(graph[node] ?? [])].filter((p) => Object.prototype.hasOwnProperty.call(graph, p));
}

/** Successor lists (predecessor → the jobs that come after it), sorted. */
export function successorsOf(graph: DependencyGraph): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const node of Object.keys(graph)) out[node] = [];
  for (const node of Object.keys(graph).sort()) {
    for (const p of predecessors(graph, node)) out[p].push(node);
  }
  return out;
}

/**
 * Every cycle of `after` edges, one per strongly connected component (a component with several
 * cycles is named by one of them). A cycle is listed in `after` direction and closed:
 * `["a", "b", "a"]` means a comes after b and b comes after a. It starts at its alphabetically
 * smallest job, and the cycles are sorted, so the result is stable.
 */
export function findCycles(graph: DependencyGraph): string[][] {
  // Tarjan's strongly connected components, iterative over sorted nodes for stable output.
  const nodes = Object.keys(graph).sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  const strongConnect = (root: string): void => {
    const work: { node: string; next: number; preds: string[] }[] = [];
    const open = (node: string): void => {
      index.set(node, counter);
      low.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      work.push({ node, next: 0, preds: predecessors(graph, node).sort() });
    };
    open(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame.next < frame.preds.length) {
        const p = frame.preds[frame.next++];
        if (!index.has(p)) {
          open(p);
        } else if (onStack.has(p)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(p)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let n: string;
        do {
          n = stack.pop()!;
          onStack.delete(n);
          component.push(n);
        } while (n !== frame.node);
        components.push(component);
      }
    }
  };
  for (const node of nodes) if (!index.has(node)) strongConnect(node);

  const cycles: string[][] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = [...component].sort()[0];
    if (component.length === 1 && !predecessors(graph, start).includes(start)) continue;
    cycles.push(shortestCycle(graph, start, members));
  }
  return cycles.sort((a, b) => a.join(" ").localeCompare(b.join(" ")));
}

/** The shortest closed walk start → … → start along `after` edges inside `members` (BFS). */
function shortestCycle(graph: DependencyGraph, start: string, members: Set<string>): string[] {
  const parent = new Map<string, string>();
  const queue: string[] = [start];
  const seen = new Set<string>([start]);
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const p of predecessors(graph, node).sort()) {
      if (!members.has(p)) continue;
      if (p === start) {
        const path = [start];
        for (let n = node; n !== start; n = parent.get(n)!) path.push(n);
        // path holds start, then the walk back from `node` to start's first step: reverse that tail.
        return [start, ...path.slice(1).reverse(), start];
      }
      if (!seen.has(p)) {
        seen.add(p);
        parent.set(p, node);
        queue.push(p);
      }
    }
  }
  // Unreachable for a strongly connected component; keep the type honest.
  return [start, start];
}

/** Renders a cycle as `a -> b -> a`. */
export function formatCycle(cycle: readonly string[]): string {
  return cycle.join(" -> ");
}

/** Thrown by the ordering helpers when the graph has a cycle (validation reports cycles first). */
export class DependencyCycleError extends Error {
  constructor(readonly cycles: string[][]) {
    super(`jobs come after each other in a cycle: ${cycles.map(formatCycle).join("; ")}`);
    this.name = "DependencyCycleError";
  }
}

/**
 * A submit order in which every job comes after all of its predecessors. Among jobs that are ready
 * at the same time, alphabetical order, so the result is stable. Throws DependencyCycleError.
 */
export function topologicalOrder(graph: DependencyGraph): string[] {
  return parallelStages(graph).flat();
}

/**
 * Jobs grouped into stages that can run in parallel: a job's stage is one after the latest stage of
 * its predecessors (its longest path from a job without predecessors), so a stage only starts when
 * every job a member waits for has finished. Stages are sorted alphabetically inside. Throws
 * DependencyCycleError.
 */
export function parallelStages(graph: DependencyGraph): string[][] {
  const cycles = findCycles(graph);
  if (cycles.length > 0) throw new DependencyCycleError(cycles);
  const level = new Map<string, number>();
  const succ = successorsOf(graph);
  const pending = new Map<string, number>();
  const ready: string[] = [];
  for (const node of Object.keys(graph)) {
    pending.set(node, predecessors(graph, node).length);
    if (pending.get(node) === 0) {
      ready.push(node);
      level.set(node, 0);
    }
  }
  // Kahn's algorithm; levels are final when a node becomes ready.
  while (ready.length > 0) {
    const node = ready.pop()!;
    for (const s of succ[node]) {
      level.set(s, Math.max(level.get(s) ?? 0, level.get(node)! + 1));
      pending.set(s, pending.get(s)! - 1);
      if (pending.get(s) === 0) ready.push(s);
    }
  }
  const stages: string[][] = [];
  for (const [node, l] of level) (stages[l] ??= []).push(node);
  return stages.map((s) => s.sort());
}

/** The jobs that come (directly or transitively) after `head`, not including it; sorted. */
export function descendantsOf(graph: DependencyGraph, head: string): string[] {
  const succ = successorsOf(graph);
  const seen = new Set<string>();
  const queue = [...(succ[head] ?? [])];
  while (queue.length > 0) {
    const n = queue.shift()!;
    if (seen.has(n) || n === head) continue;
    seen.add(n);
    queue.push(...succ[n]);
  }
  return [...seen].sort();
}

/** The graph restricted to `nodes` (edges to other jobs dropped). */
export function subgraph(graph: DependencyGraph, nodes: Iterable<string>): Record<string, string[]> {
  const keep = new Set(nodes);
  const out: Record<string, string[]> = {};
  for (const n of [...keep].sort()) out[n] = predecessors(graph, n).filter((p) => keep.has(p));
  return out;
}

/** The dependency graph of parsed jobs. */
export function graphOf(jobs: Record<string, Pick<BatchJob, "after">>): Record<string, string[]> {
  const out = Object.create(null) as Record<string, string[]>;
  for (const [name, job] of Object.entries(jobs)) out[name] = [...(job.after ?? [])];
  return out;
}

/** The regions a job runs in: its own list, or every configured region. */
export function jobRegions(job: Pick<BatchJob, "regions">, allRegions: readonly string[]): string[] {
  return job.regions ?? [...allRegions];
}

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
  /** Variable name → secret reference (Secrets Manager ARN, SSM parameter ARN or name). */
  secrets: Record<string, string>;
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
        executionRoleName: fitName([...base, rc, name, "exec"], LIMITS.iamRole),
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
