import { expect } from "chai";
import { MAX_DEPTH, SECURE_PLACEHOLDER, StackFileError, configMap, parseStackConfig, parseStackYaml } from "../../offline/stack-file";
import { SECRET_PLACEHOLDER } from "../../stacks/sections/image";

function problems(text: string): string[] {
  try {
    parseStackConfig(text, "Pulumi.t.yaml");
  } catch (err) {
    if (err instanceof StackFileError) return err.lines();
    throw err;
  }
  return [];
}

describe("stack file reader (offline/stack-file.ts)", () => {
  it("reports every YAML problem as <file>:<line>:<col>: <what>, never another error", () => {
    expect(problems("config:\n  a:b: 1\n  a:b: 2\n")).to.deep.equal(["Pulumi.t.yaml:3:3: duplicate key: this key is already set in the same mapping (Pulumi rejects the file)"]);
    expect(problems("config: {}\n---\nconfig: {}\n")[0]).to.match(/^Pulumi\.t\.yaml:2:1: a stack file holds one YAML document, found 2/);
    expect(problems("config:\n\ta:b: 1\n")[0]).to.match(/^Pulumi\.t\.yaml:2:1: tab used for indentation/);
    expect(problems("- a\n- b\n")).to.deep.equal(["Pulumi.t.yaml:1:1: a stack file is a mapping with a config: key, got a list"]);
    expect(problems("just text\n")[0]).to.match(/^Pulumi\.t\.yaml:1:1: a stack file is a mapping with a config: key, got the string "just text"/);
    expect(problems("config: 3\n")[0]).to.match(/^Pulumi\.t\.yaml:1:9: config: must be a mapping/);
    expect(problems("config:\n  regions: {}\n")[0]).to.match(/^Pulumi\.t\.yaml:2:3: config key "regions" is not of the form <namespace>:<name>/);
    expect(problems("config: [1, 2\n")[0]).to.match(/^Pulumi\.t\.yaml:\d+:\d+: /);
    expect(problems("config:\n  a:b: *nope\n")).to.deep.equal(["Pulumi.t.yaml:2:8: alias *nope names no anchor defined before it"]);
    expect(problems("config:\n  ? [a]\n  : 1\n")[0]).to.match(/key must be a plain name/);
  });

  it("rejects tags the reader does not turn into plain data (never silently dropped or changed)", () => {
    const out = problems("config:\n  a:b: !!binary aGVsbG8=\n  a:c: !!set {x}\n  a:d: !!omap [a: 1]\n  a:e: !custom x\n  a:f: !!timestamp 2001-12-14\n");
    expect(out.map((l) => /tag (\S+) is not supported/.exec(l)?.[1])).to.deep.equal(["!!binary", "!!set", "!!omap", "!custom", "!!timestamp"]);
    expect(problems("config:\n  a:f: !!str 1\n  a:g: !!int 2\n")).to.deep.equal([]);
  });

  it("rejects .inf and .nan (the config map is JSON)", () => {
    expect(problems("config:\n  a:b: { x: .inf, y: -.inf, z: .nan }\n")).to.have.length(3);
  });

  it("stops very deep nesting at MAX_DEPTH without recursing (flow and block), in bounded time", () => {
    const t = Date.now();
    expect(problems(`config:\n  a:b: ${"[".repeat(20000)}${"]".repeat(20000)}\n`)[0]).to.include(`nesting deeper than ${MAX_DEPTH} levels`);
    let block = "config:\n  a:b:\n";
    for (let i = 0; i < 200; i++) block += `${" ".repeat(4 + i * 2)}k:\n`;
    expect(problems(block)[0]).to.include("nesting deeper");
    // Depth through aliases counts too.
    let chain = "x0: &a0 [1]\n";
    for (let i = 1; i <= 70; i++) chain += `x${i}: &a${i} [*a${i - 1}]\n`;
    expect(problems(chain)[0]).to.include("nesting deeper");
    expect(Date.now() - t).to.be.below(5000);
  });

  it("reads a stack file with 50,000 keys in a mapping in a few seconds (no quadratic duplicate check)", () => {
    let text = "config:\n  ns:a:\n";
    for (let i = 0; i < 50000; i++) text += `    k${i}: 1\n`;
    const t = Date.now();
    expect(Object.keys(parseStackConfig(text, "f")["ns:a"] as object)).to.have.length(50000);
    expect(problems(`${text}    k7: 2\n`)).to.deep.equal(["Pulumi.t.yaml:50003:5: duplicate key: this key is already set in the same mapping (Pulumi rejects the file)"]);
    const ms = Date.now() - t;
    expect(ms).to.be.below(20000);
    console.log(`      50,000-key mapping read twice in ${ms} ms`);
  });

  it("stops an alias bomb instead of expanding it", () => {
    let bomb = "a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n";
    for (let i = 1; i < 8; i++) bomb += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]\n`;
    expect(problems(bomb)[0]).to.include("expands to more than");
  });

  it("applies merge keys as yaml.v3 does: explicit keys win, earlier merges win over later ones", () => {
    const text = "x: &a { cpu: 256, memory: 512, image: a }\ny: &b { cpu: 1, tag: b }\nconfig:\n  ns:s:\n    memory: 1024\n    <<: [*a, *b]\n  ns:q: { '<<': 1 }\n";
    const config = parseStackConfig(text, "f");
    expect(JSON.parse(JSON.stringify(config["ns:s"]))).to.deep.equal({ memory: 1024, cpu: 256, image: "a", tag: "b" });
    expect(JSON.parse(JSON.stringify(config["ns:q"]))).to.deep.equal({ "<<": 1 }); // a quoted key is a key
  });

  it("accepts an anchor reused a hundred times", () => {
    const text = "x: &a { cpu: 256 }\nconfig:\n" + Array.from({ length: 100 }, (_, i) => `  ns:k${i}: *a\n`).join("");
    expect(Object.keys(parseStackConfig(text, "f"))).to.have.length(100);
  });

  it("keeps __proto__, constructor and toString as ordinary keys through to the config map", () => {
    const top = parseStackYaml("config:\n  ns:__proto__: 1\n  ns:b: { __proto__: { x: 1 }, constructor: 2, toString: 3 }\n", "f");
    const { raw } = configMap(top.config as Record<string, unknown>);
    expect(Object.keys(raw)).to.deep.equal(["ns:__proto__", "ns:b"]);
    expect(raw["ns:__proto__"]).to.equal("1");
    const b = JSON.parse(raw["ns:b"]);
    expect(Object.keys(b)).to.deep.equal(["__proto__", "constructor", "toString"]);
    expect(Object.getPrototypeOf(b)).to.equal(Object.prototype); // JSON.parse makes own keys, never a prototype
  });

  it("the offline stand-in for secure: values is the one the image check lets through", () => {
    expect(SECURE_PLACEHOLDER).to.equal(SECRET_PLACEHOLDER);
  });

  it("reads an empty file and an empty config as no config", () => {
    expect(Object.keys(parseStackConfig("", "f"))).to.deep.equal([]);
    expect(Object.keys(parseStackConfig("config:\n", "f"))).to.deep.equal([]);
  });
});
