import { describe, expect, it } from 'vitest';
import { type AllowList, allowListSchema } from '#core/allow-list.ts';
import { renderRules } from '#sidecar/enforce/render-rules.ts';

const channel = {
  controlPlaneIps: ['10.96.0.20', 'fd00::20'],
  controlPlanePort: 8443,
  metricsPort: 15090,
  hostIps: ['192.168.1.5'],
  dnsServers: ['10.96.0.10'],
};

const list = (fields: Partial<AllowList> = {}): AllowList =>
  allowListSchema.parse({
    group: 'shop/catalog',
    hash: 'a'.repeat(64),
    inbound: {
      enforce: true,
      entries: [{ transport: 'tcp', port: 8080, cidrs: ['10.1.0.7/32', '10.1.0.8/32', 'fd00::7/128'] }],
    },
    outbound: {
      enforce: true,
      entries: [{ transport: 'tcp', port: 5432, portEnd: 5433, cidrs: ['10.2.0.0/16'] }],
    },
    ...fields,
  });

const rules = (allowList: AllowList, family: 4 | 6 = 4) =>
  renderRules({ quarantined: false, blocks: [], allowList }, channel, family, 0).split('\n');

describe('renderRules with an allow-list (protect mode)', () => {
  it('inbound: replies, loopback, ICMP, the channel, probes, mesh proxy ports, allowed peers; then refuses new ones', () => {
    const inbound = rules(list()).filter((line) => line.startsWith('-A MESHWARD-ALLOW-IN'));
    expect(inbound).toEqual([
      '-A MESHWARD-ALLOW-IN -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN',
      '-A MESHWARD-ALLOW-IN -i lo -j RETURN',
      '-A MESHWARD-ALLOW-IN -p icmp -j RETURN',
      '-A MESHWARD-ALLOW-IN -s 10.96.0.20 -p tcp --sport 8443 -j RETURN',
      '-A MESHWARD-ALLOW-IN -p tcp --dport 15090 -j RETURN',
      '-A MESHWARD-ALLOW-IN -s 192.168.1.5 -j RETURN',
      '-A MESHWARD-ALLOW-IN -p tcp -m multiport --dports 15020,15021,15090,4191 -j RETURN',
      '-A MESHWARD-ALLOW-IN -s 10.1.0.7/32 -p tcp -m conntrack --ctorigdstport 8080 -j RETURN',
      '-A MESHWARD-ALLOW-IN -s 10.1.0.8/32 -p tcp -m conntrack --ctorigdstport 8080 -j RETURN',
      '-A MESHWARD-ALLOW-IN -p tcp --syn -m conntrack --ctstate NEW -j REJECT --reject-with tcp-reset',
      '-A MESHWARD-ALLOW-IN -p udp -m conntrack --ctstate NEW -j DROP',
    ]);
  });

  it('outbound: DNS to the resolvers (through NAT), istiod and linkerd ports, port ranges; jumps come last', () => {
    const text = rules(list());
    expect(text).toContain(
      '-A MESHWARD-ALLOW-OUT -p udp -m conntrack --ctorigdst 10.96.0.10 --ctorigdstport 53 -j RETURN',
    );
    expect(text).toContain(
      '-A MESHWARD-ALLOW-OUT -p tcp -m multiport --dports 15010,15012,15017,8086,8090 -j RETURN',
    );
    expect(text).toContain(
      '-A MESHWARD-ALLOW-OUT -d 10.2.0.0/16 -p tcp -m conntrack --ctorigdstport 5432:5433 -j RETURN',
    );
    expect(text.slice(-4)).toEqual([
      '-A MESHWARD-IN -j MESHWARD-ALLOW-IN',
      '-A MESHWARD-OUT -j MESHWARD-ALLOW-OUT',
      'COMMIT',
      '',
    ]);
    expect(text.join('\n')).not.toMatch(/\*nat|\*mangle|\*raw/);
  });

  it('each family gets only its addresses and its ICMP', () => {
    const v6 = rules(list(), 6).join('\n');
    expect(v6).toContain('-s fd00::7/128 -p tcp');
    expect(v6).toContain('-p ipv6-icmp -j RETURN');
    expect(v6).not.toContain('10.1.0.7');
    expect(v6).not.toContain('10.96.0.10');
  });

  it('an open direction gets no chain rules and no jump: nothing is blocked that way', () => {
    const text = rules(list({ outbound: { enforce: false, reason: 'a rule names api.stripe.com' } }));
    expect(text.some((line) => line.startsWith('-A MESHWARD-ALLOW-OUT'))).toBe(false);
    expect(text).not.toContain('-A MESHWARD-OUT -j MESHWARD-ALLOW-OUT');
    expect(text).toContain('-A MESHWARD-IN -j MESHWARD-ALLOW-IN');
  });

  it('quarantine wins over the allow-list', () => {
    const text = renderRules({ quarantined: true, blocks: [], allowList: list() }, channel, 4, 0);
    expect(text).not.toContain('-j MESHWARD-ALLOW-IN');
  });

  it('the schema refuses what could not be rendered safely', () => {
    const bad = (entries: unknown) =>
      allowListSchema.safeParse({
        group: 'g/x',
        hash: 'a'.repeat(64),
        inbound: { enforce: true, entries },
        outbound: { enforce: false, reason: 'x' },
      }).success;
    expect(bad([{ transport: 'tcp', port: 80, cidrs: ['10.0.0.1/32; -j ACCEPT'] }])).toBe(false);
    expect(bad([{ transport: 'tcp', port: 80, cidrs: ['10.0.0.1'] }])).toBe(false);
    expect(bad([{ transport: 'tcp', port: 80, cidrs: ['10.0.0.1/33'] }])).toBe(false);
    expect(bad([{ transport: 'tcp', port: 90, portEnd: 80, cidrs: [] }])).toBe(false);
    expect(bad([{ transport: 'icmp', port: 80, cidrs: [] }])).toBe(false);
    expect(bad([{ transport: 'tcp', port: 80, cidrs: ['fd00::/64'] }])).toBe(true);
  });
});
