/*
 * bpf-image.c: the classic BPF instruction table (filter.h), and the text
 * libpcap prints for programs: bpf_image (one instruction, as tcpdump -d)
 * and bpf_dump (tcpdump -d, -dd and -ddd), byte for byte.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "filter-jit/filter.h"
#include "pcap-compat/pcap-int.h"

#define INSN(code, mnemonic, operand) \
	[code] = { mnemonic, BPF_OPND_##operand }

const struct bpf_opdef bpf_opdefs[256] = {
	INSN(BPF_RET | BPF_K, "ret", DEC),
	INSN(BPF_RET | BPF_A, "ret", NONE),

	INSN(BPF_LD | BPF_W | BPF_ABS, "ld", ABS),
	INSN(BPF_LD | BPF_H | BPF_ABS, "ldh", ABS),
	INSN(BPF_LD | BPF_B | BPF_ABS, "ldb", ABS),
	INSN(BPF_LD | BPF_W | BPF_IND, "ld", IND),
	INSN(BPF_LD | BPF_H | BPF_IND, "ldh", IND),
	INSN(BPF_LD | BPF_B | BPF_IND, "ldb", IND),
	INSN(BPF_LD | BPF_W | BPF_LEN, "ld", PKTLEN),
	INSN(BPF_LDX | BPF_W | BPF_LEN, "ldx", UNPRINTED),
	INSN(BPF_LD | BPF_IMM, "ld", HEX),
	INSN(BPF_LDX | BPF_IMM, "ldx", HEX),
	INSN(BPF_LDX | BPF_MSH | BPF_B, "ldxb", MSH),
	INSN(BPF_LD | BPF_MEM, "ld", MEM),
	INSN(BPF_LDX | BPF_MEM, "ldx", MEM),
	INSN(BPF_ST, "st", MEM),
	INSN(BPF_STX, "stx", MEM),

	INSN(BPF_JMP | BPF_JA, "ja", JA),
	INSN(BPF_JMP | BPF_JGT | BPF_K, "jgt", HEX),
	INSN(BPF_JMP | BPF_JGE | BPF_K, "jge", HEX),
	INSN(BPF_JMP | BPF_JEQ | BPF_K, "jeq", HEX),
	INSN(BPF_JMP | BPF_JSET | BPF_K, "jset", HEX),
	INSN(BPF_JMP | BPF_JGT | BPF_X, "jgt", X),
	INSN(BPF_JMP | BPF_JGE | BPF_X, "jge", X),
	INSN(BPF_JMP | BPF_JEQ | BPF_X, "jeq", X),
	INSN(BPF_JMP | BPF_JSET | BPF_X, "jset", X),

	/* Arithmetic constants print in decimal, bitwise ones in hex. */
	INSN(BPF_ALU | BPF_ADD | BPF_K, "add", DEC),
	INSN(BPF_ALU | BPF_SUB | BPF_K, "sub", DEC),
	INSN(BPF_ALU | BPF_MUL | BPF_K, "mul", DEC),
	INSN(BPF_ALU | BPF_DIV | BPF_K, "div", DEC),
	INSN(BPF_ALU | BPF_MOD | BPF_K, "mod", DEC),
	INSN(BPF_ALU | BPF_AND | BPF_K, "and", HEX),
	INSN(BPF_ALU | BPF_OR | BPF_K, "or", HEX),
	INSN(BPF_ALU | BPF_XOR | BPF_K, "xor", HEX),
	INSN(BPF_ALU | BPF_LSH | BPF_K, "lsh", DEC),
	INSN(BPF_ALU | BPF_RSH | BPF_K, "rsh", DEC),
	INSN(BPF_ALU | BPF_ADD | BPF_X, "add", X),
	INSN(BPF_ALU | BPF_SUB | BPF_X, "sub", X),
	INSN(BPF_ALU | BPF_MUL | BPF_X, "mul", X),
	INSN(BPF_ALU | BPF_DIV | BPF_X, "div", X),
	INSN(BPF_ALU | BPF_MOD | BPF_X, "mod", X),
	INSN(BPF_ALU | BPF_AND | BPF_X, "and", X),
	INSN(BPF_ALU | BPF_OR | BPF_X, "or", X),
	INSN(BPF_ALU | BPF_XOR | BPF_X, "xor", X),
	INSN(BPF_ALU | BPF_LSH | BPF_X, "lsh", X),
	INSN(BPF_ALU | BPF_RSH | BPF_X, "rsh", X),
	INSN(BPF_ALU | BPF_NEG, "neg", NONE),

	INSN(BPF_MISC | BPF_TAX, "tax", NONE),
	INSN(BPF_MISC | BPF_TXA, "txa", NONE),
};

/* Names of the ancillary offsets (SKF_AD_*), one per 4-byte slot. */
static const char *const aux_names[BPF_AUX_SPAN / 4] = {
	"proto", "type", "ifidx", "nla", "nlan", "mark", "queue", "hatype",
	"rxhash", "cpu", "xor_x", "vlan_tci", "vlanp", "poff", "random",
	"vlan_tpid",
};

static void format_abs(char *buf, size_t size, uint32_t k)
{
	uint32_t off = k - BPF_AUX_OFF;

	if (k >= BPF_AUX_OFF && off < BPF_AUX_SPAN && off % 4 == 0)
		snprintf(buf, size, "[%s]", aux_names[off / 4]);
	else
		snprintf(buf, size, "[%d]", (int32_t)k);
}

/*
 * The operand column.  k prints as signed where libpcap uses %d; jump
 * targets are sums in unsigned arithmetic printed as signed, as libpcap's
 * int-plus-unsigned sums come out.
 */
static void format_operand(char *buf, size_t size, const struct bpf_insn *p,
			   int n)
{
	const struct bpf_opdef *def =
		bpf_is_insn(p->code) ? &bpf_opdefs[p->code] : NULL;
	int32_t k = (int32_t)p->k;

	switch (def != NULL ? def->operand : BPF_OPND_UNPRINTED) {
	case BPF_OPND_NONE:	buf[0] = '\0'; break;
	case BPF_OPND_X:	snprintf(buf, size, "x"); break;
	case BPF_OPND_DEC:	snprintf(buf, size, "#%d", k); break;
	case BPF_OPND_HEX:	snprintf(buf, size, "#0x%x", p->k); break;
	case BPF_OPND_ABS:	format_abs(buf, size, p->k); break;
	case BPF_OPND_IND:	snprintf(buf, size, "[x + %d]", k); break;
	case BPF_OPND_MSH:	snprintf(buf, size, "4*([%d]&0xf)", k); break;
	case BPF_OPND_MEM:	snprintf(buf, size, "M[%d]", k); break;
	case BPF_OPND_PKTLEN:	snprintf(buf, size, "#pktlen"); break;
	case BPF_OPND_JA:
		snprintf(buf, size, "%d", (int)((unsigned)n + 1u + p->k));
		break;
	default:		snprintf(buf, size, "0x%x", p->code); break;
	}
}

static const char *mnemonic_of(unsigned code)
{
	if (!bpf_is_insn(code) || bpf_opdefs[code].operand == BPF_OPND_UNPRINTED)
		return "unimp";
	return bpf_opdefs[code].mnemonic;
}

/*
 * The text lives in per-thread storage, valid until this thread's next
 * call, as libpcap's static buffer is (for one thread).
 */
PCAP_EXPORT char *bpf_image(const struct bpf_insn *p, int n)
{
	static _Thread_local char image[256];
	char operand[64];
	unsigned op = BPF_OP(p->code);

	format_operand(operand, sizeof operand, p, n);
	/* Every jump class code but "ja" shows both targets, even unknown ones. */
	if (BPF_CLASS(p->code) == BPF_JMP && op != BPF_JA)
		snprintf(image, sizeof image, "(%03d) %-8s %-16s jt %d\tjf %d",
			 n, mnemonic_of(p->code), operand,
			 (int)((unsigned)n + 1u + p->jt),
			 (int)((unsigned)n + 1u + p->jf));
	else
		snprintf(image, sizeof image, "(%03d) %-8s %s",
			 n, mnemonic_of(p->code), operand);
	return image;
}

/*
 * tcpdump -d (option <= 1), -dd (2: C initialisers), -ddd (3 and up:
 * decimal, count first).  The API prints to stdout, so this does too.
 */
PCAP_EXPORT void bpf_dump(const struct bpf_program *p, int option)
{
	const struct bpf_insn *insn = p->bf_insns;
	int n = (int)p->bf_len;
	int i;

	if (option > 2)
		printf("%d\n", n);
	for (i = 0; i < n; i++, insn++) {
		if (option > 2)
			printf("%u %u %u %u\n", insn->code, insn->jt, insn->jf,
			       insn->k);
		else if (option == 2)
			printf("{ 0x%x, %d, %d, 0x%08x },\n", insn->code,
			       insn->jt, insn->jf, insn->k);
		else
			puts(bpf_image(insn, i));
	}
}
