/**
 * The dependency graph of AWS Batch jobs (`after` edges): cycles, orders, stages, chains. Shared by
 * validation (stacks/sections/batch.ts) and the planner (stacks/batch-plan.ts), so the checks and the
 * planner agree on what a cycle, a chain and a submit order are. Depends on neither: it takes jobs by
 * shape, which keeps the import graph free of circles.
 */

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
export function graphOf(jobs: Record<string, { after?: readonly string[] }>): Record<string, string[]> {
  // Prototype-free: a job named `__proto__` or `constructor` is an ordinary key.
  const out = Object.create(null) as Record<string, string[]>;
  for (const [name, job] of Object.entries(jobs)) out[name] = [...(job.after ?? [])];
  return out;
}

/** The regions a job runs in: its own list, or every configured region. */
export function jobRegions(job: { regions?: readonly string[] }, allRegions: readonly string[]): string[] {
  return job.regions ? [...job.regions] : [...allRegions];
}
