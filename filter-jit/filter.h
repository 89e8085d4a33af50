/*
 * filter.h: how a classic BPF program runs in user space.  The handle keeps
 * one user_filter; the interpreter (bpf-interp.c) is the reference, and the
 * fast paths (accept-all, the JIT of jit.h) must give the same verdicts.
 */
#ifndef ACCEL_FILTER_H
#define ACCEL_FILTER_H

#include <sys/types.h>
#include <pcap/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Linux ancillary data some loads can read (SKF_AD_* offsets); the
 * interpreter treats such loads as out of bounds when aux is NULL, as
 * libpcap's bpf_filter does for savefiles.
 */
struct bpf_aux_data {
	unsigned short vlan_tag;	/* TCI & 0x0fff: the caller masks */
	unsigned char vlan_tag_present;
};

/*
 * Linux's ancillary-data offsets (SKF_AD_OFF + n): only "ldb" of the two VLAN
 * ones reads anything in user space (from aux); the printer names them all.
 */
#define BPF_AUX_OFF		0xfffff000u
#define BPF_AUX_SPAN		64u	/* SKF_AD_MAX */
#define BPF_AUX_VLAN_TAG	(BPF_AUX_OFF + 44)
#define BPF_AUX_VLAN_TAG_PRESENT (BPF_AUX_OFF + 48)

/*
 * The one definition of the classic BPF instruction set: every opcode the
 * interpreter executes, and how libpcap's bpf_image prints it.  Indexed by
 * opcode; a NULL mnemonic means "not an instruction" (the interpreter
 * rejects the packet; bpf_image prints "unimp").  Codes above 0xff are
 * never instructions.  Defined in bpf-image.c.
 */
enum bpf_operand {
	BPF_OPND_NONE,		/* ""                                  */
	BPF_OPND_X,		/* "x"                                 */
	BPF_OPND_DEC,		/* "#%d" of k                          */
	BPF_OPND_HEX,		/* "#0x%x" of k                        */
	BPF_OPND_ABS,		/* "[%d]", or "[name]" for ancillary k */
	BPF_OPND_IND,		/* "[x + %d]"                          */
	BPF_OPND_MSH,		/* "4*([%d]&0xf)"                      */
	BPF_OPND_MEM,		/* "M[%d]"                             */
	BPF_OPND_PKTLEN,	/* "#pktlen"                           */
	BPF_OPND_JA,		/* absolute target n + 1 + k           */
	BPF_OPND_UNPRINTED,	/* executed, but libpcap prints "unimp" */
};

struct bpf_opdef {
	const char *mnemonic;
	unsigned char operand;	/* enum bpf_operand */
};

extern const struct bpf_opdef bpf_opdefs[256];

static inline bool bpf_is_insn(unsigned code)
{
	return code < 256 && bpf_opdefs[code].mnemonic != NULL;
}

/* The reference interpreter: libpcap's bpf_filter semantics. */
u_int bpf_interp(const struct bpf_insn *pc, const u_char *pkt, u_int wirelen,
		 u_int buflen, const struct bpf_aux_data *aux);

/* Check a program as libpcap's bpf_validate does: 1 valid, 0 not. */
int bpf_check(const struct bpf_insn *insns, int len);

/* A program compiled by the JIT (jit.h): bpf_interp's verdicts, faster. */
typedef u_int (*bpf_jit_fn)(const u_char *pkt, u_int wirelen, u_int buflen,
			    const struct bpf_aux_data *aux);

struct user_filter {
	struct bpf_insn *insns;	/* owned copy; NULL: no filter, accept all */
	u_int len;
	bool accept_all;	/* the program returns a constant non-zero */
	bpf_jit_fn jit;		/* NULL: the interpreter runs insns */
	size_t jit_size;
};

/*
 * Install a copy of prog (NULL: remove), JIT-compiled unless ACCEL_JIT=0 in
 * the environment or the JIT refuses it.  Returns 0 or -1 (ENOMEM).
 */
int user_filter_set(struct user_filter *f, const struct bpf_program *prog);
void user_filter_clear(struct user_filter *f);

static inline u_int user_filter_run_aux(const struct user_filter *f,
					const u_char *pkt, u_int wirelen,
					u_int caplen,
					const struct bpf_aux_data *aux)
{
	if (f->jit != NULL)
		return f->jit(pkt, wirelen, caplen, aux);
	return bpf_interp(f->insns, pkt, wirelen, caplen, aux);
}

static inline u_int user_filter_run(const struct user_filter *f,
				    const u_char *pkt, u_int wirelen,
				    u_int caplen)
{
	return user_filter_run_aux(f, pkt, wirelen, caplen, NULL);
}

static inline bool user_filter_accepts(const struct user_filter *f,
				       const u_char *pkt, u_int wirelen,
				       u_int caplen)
{
	if (f->insns == NULL || f->accept_all)
		return true;
	return user_filter_run(f, pkt, wirelen, caplen) != 0;
}

/* What a filter is compiled for. */
struct filter_target {
	int linktype;		/* DLT_* */
	unsigned snaplen;	/* what "accept" returns */
	bool linux_vlan_ext;	/* VLAN tags come as metadata (live Linux) */
	bool savefile;		/* reads a savefile: no packet metadata */
	bool swapped;		/* the savefile's byte order is not ours */
};

/*
 * The filter compiler (compile.c): text to a malloc'd classic BPF program
 * with pcap_compile's semantics.  0, or -1 with the reason in errbuf.
 */
int filter_compile(const struct filter_target *target, const char *text,
		   int optimize, uint32_t netmask, struct bpf_program *prog,
		   char *errbuf);

#endif
