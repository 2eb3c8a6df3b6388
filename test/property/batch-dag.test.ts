import { expect } from "chai";
import fc from "fast-check";
import { DependencyCycleError, descendantsOf, findCycles, parallelStages, topologicalOrder } from "../../stacks/batch-plan";

/**
 * A random DAG: n jobs with shuffled names (so alphabetical order says nothing about the graph);
 * job i may come after any job j < i in generation order, which cannot form a cycle.
 */
const dag = fc
  .integer({ min: 1, max: 14 })
  .chain((n) =>
    fc.record({
      names: fc.shuffledSubarray(
        Array.from({ length: 26 }, (_, i) => `job-${String.fromCharCode(97 + i)}`),
        { minLength: n, maxLength: n },
      ),
      edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 3 }),
    }),
  )
  .map(({ names, edges }) => {
    const graph: Record<string, string[]> = {};
    for (const name of names) graph[name] = [];
    for (const [a, b] of edges) {
      if (a === b) continue;
      const [later, earlier] = a > b ? [a, b] : [b, a];
      if (!graph[names[later]].includes(names[earlier])) graph[names[later]].push(names[earlier]);
    }
    return graph;
  });

function edgesOf(graph: Record<string, string[]>): [string, string][] {
  return Object.entries(graph).flatMap(([job, after]) => after.map((p) => [job, p] as [string, string]));
}

describe("batch dependency graph (property)", () => {
  it("orders every job once, after each job it comes after", () => {
    fc.assert(
      fc.property(dag, (graph) => {
        const order = topologicalOrder(graph);
        expect([...order].sort()).to.deep.equal(Object.keys(graph).sort());
        for (const [job, pred] of edgesOf(graph)) {
          expect(order.indexOf(pred), `${pred} before ${job}`).to.be.lessThan(order.indexOf(job));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("puts each job in the stage right after its latest predecessor", () => {
    fc.assert(
      fc.property(dag, (graph) => {
        const stages = parallelStages(graph);
        const stageOf = new Map<string, number>();
        stages.forEach((s, i) => s.forEach((j) => stageOf.set(j, i)));
        expect(stageOf.size).to.equal(Object.keys(graph).length);
        for (const [job, after] of Object.entries(graph)) {
          const expected = after.length === 0 ? 0 : Math.max(...after.map((p) => stageOf.get(p)!)) + 1;
          expect(stageOf.get(job), job).to.equal(expected);
        }
        for (const stage of stages) expect(stage.length).to.be.greaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it("finds no cycle in a DAG", () => {
    fc.assert(
      fc.property(dag, (graph) => {
        expect(findCycles(graph)).to.deep.equal([]);
      }),
      { numRuns: 300 },
    );
  });

  it("detects a back edge and names a real cycle through it", () => {
    const withBackEdge = dag
      .filter((graph) => Object.keys(graph).some((j) => descendantsOf(graph, j).length > 0))
      .chain((graph) => {
        const heads = Object.keys(graph)
          .filter((j) => descendantsOf(graph, j).length > 0)
          .sort();
        return fc.constantFrom(...heads).chain((head) =>
          fc.constantFrom(...descendantsOf(graph, head)).map((later) => ({ graph, head, later })),
        );
      });
    fc.assert(
      fc.property(withBackEdge, ({ graph, head, later }) => {
        // `later` comes after `head` (transitively); making head come after `later` closes a cycle.
        const cyclic = { ...graph, [head]: [...graph[head], later] };
        const cycles = findCycles(cyclic);
        expect(cycles).to.have.length(1);
        const cycle = cycles[0];
        expect(cycle[0]).to.equal(cycle[cycle.length - 1]);
        expect(cycle[0]).to.equal([...new Set(cycle)].sort()[0]);
        for (let i = 0; i + 1 < cycle.length; i++) {
          expect(cyclic[cycle[i]], `${cycle[i]} comes after ${cycle[i + 1]}`).to.include(cycle[i + 1]);
        }
        // Every cycle of a DAG plus one edge uses that edge.
        const uses = cycle.some((j, i) => j === head && cycle[i + 1] === later);
        expect(uses, cycle.join(" -> ")).to.equal(true);
        expect(() => topologicalOrder(cyclic)).to.throw(DependencyCycleError);
      }),
      { numRuns: 300 },
    );
  });
});
