import { expect } from "chai";
import { formatCidr, isNetworkAddress, overlaps, parseCidr, subdivide } from "../../stacks/cidr";
import { planSubnets } from "../../stacks/plan";

describe("CIDR math", () => {
  it("parses and formats", () => {
    expect(formatCidr(parseCidr("10.10.0.0/16")!)).to.equal("10.10.0.0/16");
    expect(parseCidr("10.10.0.0")).to.equal(undefined);
    expect(parseCidr("256.0.0.0/8")).to.equal(undefined);
    expect(parseCidr("10.0.0.0/33")).to.equal(undefined);
  });

  it("knows network addresses and overlaps", () => {
    expect(isNetworkAddress(parseCidr("10.0.0.0/16")!)).to.equal(true);
    expect(isNetworkAddress(parseCidr("10.0.1.0/16")!)).to.equal(false);
    expect(overlaps(parseCidr("10.0.0.0/16")!, parseCidr("10.0.255.0/24")!)).to.equal(true);
    expect(overlaps(parseCidr("10.0.0.0/16")!, parseCidr("10.1.0.0/16")!)).to.equal(false);
  });

  it("subdivides in address order", () => {
    expect(subdivide(parseCidr("10.0.0.0/16")!, 2).map(formatCidr)).to.deep.equal(["10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18", "10.0.192.0/18"]);
  });

  it("plans public and private subnets per AZ, down to /28 for a /24 over 6 AZs", () => {
    expect(planSubnets("10.10.0.0/16", 3)).to.deep.equal({
      publicSubnetCidrs: ["10.10.0.0/19", "10.10.64.0/19", "10.10.128.0/19"],
      privateSubnetCidrs: ["10.10.32.0/19", "10.10.96.0/19", "10.10.160.0/19"],
    });
    const small = planSubnets("10.0.0.0/24", 6);
    expect(small.publicSubnetCidrs).to.have.length(6);
    expect([...small.publicSubnetCidrs, ...small.privateSubnetCidrs].every((c) => c.endsWith("/28"))).to.equal(true);
  });
});
