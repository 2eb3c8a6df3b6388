import { expect } from "chai";
import * as fc from "fast-check";
import { HEALTH_PRIORITIES, ROUTE_START, assignPriorities, homeSlot, pathBucket, routeBand } from "../../stacks/routing";
import { validateConfig } from "../../stacks/validate";
import { planFleet } from "../../stacks/plan";

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}[a-z0-9]$/);
/** A small range makes collisions (and so probing) frequent. */
const small = { start: 1, size: 16, end: 16 };

describe("listener rule priorities", () => {
  it("adding a name whose home slot is free never changes the others (property)", () => {
    for (const range of [small, HEALTH_PRIORITIES]) {
      fc.assert(
        fc.property(fc.uniqueArray(name, { maxLength: 12 }), name, (names, added) => {
          fc.pre(!names.includes(added));
          const before = assignPriorities(names, range);
          fc.pre(![...before.values()].includes(homeSlot(added, range)));
          const after = assignPriorities([...names, added], range);
          for (const n of names) expect(after.get(n)).to.equal(before.get(n));
          expect(after.get(added)).to.equal(homeSlot(added, range));
        }),
        { numRuns: 500 },
      );
    }
  });

  it("a name at its home slot keeps it whatever is removed (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 2, maxLength: 12 }), fc.nat(), (names, i) => {
        const before = assignPriorities(names, small);
        const removed = names[i % names.length];
        const after = assignPriorities(names.filter((n) => n !== removed), small);
        for (const n of names) {
          if (n !== removed && before.get(n) === homeSlot(n, small)) expect(after.get(n)).to.equal(before.get(n));
        }
      }),
      { numRuns: 500 },
    );
  });

  it("priorities are unique, inside the range, and independent of input order (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 16 }), (names) => {
        const a = assignPriorities(names, small);
        const b = assignPriorities([...names].reverse(), small);
        expect([...a.entries()].sort()).to.deep.equal([...b.entries()].sort());
        const values = [...a.values()];
        expect(new Set(values).size).to.equal(values.length);
        for (const v of values) expect(v).to.be.within(small.start, small.end);
      }),
    );
  });

  it("resolves an actual collision by name order, probing to the next free slot", () => {
    // Find two names with the same home slot in the small range.
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const n = `svc${i}`;
      const h = homeSlot(n, small);
      if (seen.has(h)) pair = [seen.get(h)!, n].sort() as [string, string];
      else seen.set(h, n);
    }
    const p = assignPriorities(pair, small);
    const h = homeSlot(pair[0], small);
    expect(p.get(pair[0])).to.equal(h);
    expect(p.get(pair[1])).to.equal(h === small.end ? small.start : h + 1);
  });

  it("refuses more names than slots", () => {
    expect(() => assignPriorities(["a", "b", "c"], { start: 1, size: 2, end: 2 })).to.throw("more than 2 names in priorities 1..2");
  });

  it("bands: host rules first, then longer literal paths, catch-all last; all within 1001..50000", () => {
    expect(pathBucket("/exact")).to.equal(0);
    expect(pathBucket("/api/v1/things/all/*")).to.equal(2);
    expect(pathBucket("/api/*")).to.equal(4);
    expect(pathBucket("/*")).to.equal(7);
    const order = [routeBand("/api/*", true), routeBand("/*", true), routeBand("/exact", false), routeBand("/api/*", false), routeBand("/*", false)];
    for (let i = 1; i < order.length; i++) expect(order[i].start).to.be.greaterThan(order[i - 1].end);
    expect(routeBand("/exact", true).start).to.equal(ROUTE_START);
    expect(routeBand("/*", false).end).to.be.at.most(50000);
    expect(HEALTH_PRIORITIES.end).to.be.lessThan(ROUTE_START);
  });
});

describe("planner: priorities stable when services are added", () => {
  const base = { image: "x", cpu: 256, memory: 512, containerPort: 80, public: true };
  function priorities(services: Record<string, unknown>): Record<string, number> {
    const r = validateConfig(
      {
        "aws:region": "eu-west-1",
        "ecs-fleet:regions": JSON.stringify({ "eu-west-1": { cidr: "10.10.0.0/16" } }),
        "ecs-fleet:services": JSON.stringify(services),
      },
      { stack: "dev", project: "ecs-fleet", now: new Date(0) },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const plan = planFleet(r.config, { project: "ecs-fleet", stack: "dev" });
    return Object.fromEntries(plan.regions[0].services.map((s) => [s.name, s.routing!.priority]));
  }

  it("adding services (any path) keeps the existing priorities (property)", () => {
    const path = fc.constantFrom("/*", "/api/*", "/static/*", "/v1/orders/*", "/exact");
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(name, path), { minLength: 1, maxLength: 8, selector: (t) => t[0] }), fc.tuple(name, path), (existing, [added, addedPath]) => {
        fc.pre(!existing.some(([n]) => n === added));
        // Distinct host per service so no two routes clash in validation.
        const services = Object.fromEntries(existing.map(([n, p]) => [n, { ...base, path: p, host: `${n}.example.com` }]));
        const before = priorities(services);
        const after = priorities({ ...services, [added]: { ...base, path: addedPath, host: `${added}.example.com` } });
        const band = routeBand(addedPath, true);
        fc.pre(!Object.values(before).includes(homeSlot(added, band)));
        for (const [n, p] of Object.entries(before)) expect(after[n]).to.equal(p);
      }),
      { numRuns: 200 },
    );
  });

  it("a catch-all is evaluated after a path rule, and the planner warns about a shadowed rule", () => {
    const p = priorities({ web: { ...base, path: "/*" }, api: { ...base, path: "/api/*" } });
    expect(p.api).to.be.lessThan(p.web);
    const r = validateConfig(
      {
        "aws:region": "eu-west-1",
        "ecs-fleet:regions": JSON.stringify({ "eu-west-1": { cidr: "10.10.0.0/16" } }),
        "ecs-fleet:services": JSON.stringify({ a: { ...base, path: "/api/*" }, b: { ...base, path: "/api/v*" } }),
      },
      { stack: "dev", project: "ecs-fleet", now: new Date(0) },
    );
    if (!r.ok) throw new Error("invalid");
    const plan = planFleet(r.config, { project: "ecs-fleet", stack: "dev" });
    const pa = plan.regions[0].services.find((s) => s.name === "a")!.routing!.priority;
    const pb = plan.regions[0].services.find((s) => s.name === "b")!.routing!.priority;
    const shadowed = plan.warnings.filter((w) => w.includes("is evaluated first"));
    expect(shadowed).to.have.length(pa < pb ? 1 : 0);
  });
});
