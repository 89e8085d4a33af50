/*
 * gen-transport.c: transport-layer tests -- "port" and "portrange" for
 * TCP, UDP and SCTP over IPv4 and IPv6, and the "not a later IPv4
 * fragment" check that guards every IPv4 transport-header load.
 */
#include "config.h"

#include "filter-jit/gen-net.h"

struct pred *gen_ipfrag(struct cc *cc)
{
	struct code c = { 0 };

	/* Fragment offset (13 bits) zero: the transport header is here. */
	load_a(cc, &c, OR_LINKPL, 6, BPF_H);
	return pred_not(cc, pred_test(cc, &c, BPF_JMP | BPF_JSET | BPF_K,
				      0x1fff));
}

/* One port or range, the transport header found behind IPv4 or IPv6. */
struct port_spec {
	unsigned lo, hi;	/* lo == hi for a single port */
	bool range;
	enum offrel tran;	/* OR_TRAN_IPV4 or OR_TRAN_IPV6 */
};

/* Source port at offset 0 of the transport header, destination at 2. */
static struct pred *port_side(struct cc *cc, const void *ctx, bool is_src)
{
	const struct port_spec *p = ctx;
	unsigned off = is_src ? 0 : 2;
	struct pred *ge, *le;

	if (!p->range)
		return gen_cmp(cc, p->tran, off, BPF_H, p->lo);
	ge = gen_cmp_ge(cc, p->tran, off, BPF_H, p->lo);
	le = gen_cmp_le(cc, p->tran, off, BPF_H, p->hi);
	return pred_and(cc, ge, le);
}

/* The IP protocol test, then the ports, for one transport protocol. */
static struct pred *port_op(struct cc *cc, const struct port_spec *p,
			    uint32_t ip_proto, int dir)
{
	const char *what = p->range ? "port ranges" : "ports";
	struct pred *b0;

	if (p->tran == OR_TRAN_IPV4) {
		/* IPv4: protocol, and not a fragment after the first. */
		b0 = gen_cmp(cc, OR_LINKPL, 9, BPF_B, ip_proto);
		b0 = pred_and(cc, b0, gen_ipfrag(cc));
	} else {
		/* IPv6: the next header right after the fixed header. */
		b0 = gen_cmp(cc, OR_LINKPL, 6, BPF_B, ip_proto);
	}
	return pred_and(cc, b0, gen_by_direction(cc, dir, what, port_side, p));
}

/*
 * ip_proto one of TCP/UDP/SCTP, or all three -- tested SCTP first, as
 * each later one is OR-ed in front.
 */
static struct pred *port_over(struct cc *cc, const struct port_spec *p,
			      int ip_proto, int dir)
{
	uint32_t ll_proto = p->tran == OR_TRAN_IPV4 ? ET_IP : ET_IPV6;
	struct pred *b0 = gen_linktype(cc, ll_proto), *b1, *t;

	switch (ip_proto) {
	case IPP_TCP:
	case IPP_UDP:
	case IPP_SCTP:
		b1 = port_op(cc, p, (uint32_t)ip_proto, dir);
		break;
	case IPP_ANY_PORT:
		t = port_op(cc, p, IPP_TCP, dir);
		b1 = port_op(cc, p, IPP_UDP, dir);
		b1 = pred_or(cc, t, b1);
		t = port_op(cc, p, IPP_SCTP, dir);
		b1 = pred_or(cc, t, b1);
		break;
	default:
		cc_fail(cc, "internal error: bad port protocol %d", ip_proto);
	}
	return pred_and(cc, b0, b1);
}

struct pred *gen_port(struct cc *cc, unsigned port, int ip_proto, int dir)
{
	struct port_spec p = { port, port, false, OR_TRAN_IPV4 };

	return port_over(cc, &p, ip_proto, dir);
}

struct pred *gen_port6(struct cc *cc, unsigned port, int ip_proto, int dir)
{
	struct port_spec p = { port, port, false, OR_TRAN_IPV6 };

	return port_over(cc, &p, ip_proto, dir);
}

struct pred *gen_portrange(struct cc *cc, unsigned lo, unsigned hi,
			   int ip_proto, int dir)
{
	struct port_spec p = { lo < hi ? lo : hi, lo < hi ? hi : lo, true,
			       OR_TRAN_IPV4 };

	return port_over(cc, &p, ip_proto, dir);
}

struct pred *gen_portrange6(struct cc *cc, unsigned lo, unsigned hi,
			    int ip_proto, int dir)
{
	struct port_spec p = { lo < hi ? lo : hi, lo < hi ? hi : lo, true,
			       OR_TRAN_IPV6 };

	return port_over(cc, &p, ip_proto, dir);
}
