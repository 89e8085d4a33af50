/*
 * probe-filter.c: compiles a batch of filter expressions and prints, per
 * expression, the compile outcome and the verdict of the program on every
 * packet of the given captures, so tests/compat/filter-diff.sh can run it
 * on the system libpcap and on ours (LD_LIBRARY_PATH) and compare.
 *
 *   probe-filter [-O0] [-s SNAPLEN] [-m NETMASK] [-H] [-t] [-a SECONDS]
 *                [-k SKIP] -d DLT (-c CORPUS | -e EXPRFILE) [PACKETFILE...]
 *   probe-filter -L FILE...        (link type and packet count per file,
 *                                   or -1 and the error text)
 *   probe-filter -x INDEX FILE...  (hex dump of packet INDEX of the list)
 *   probe-filter -D NAME...        (link type names to numbers)
 *
 * -c reads a corpus in the tests/compat/filters/README format and takes
 * the expressions whose @dlt list holds DLT (with their @netmask,
 * @snaplen and @expect); -e reads plain expressions, one a line ("-" is
 * stdin), with the -s/-m settings.  -H compiles on each capture's own
 * savefile handle instead of pcap_open_dead (that changes what libpcap
 * generates: byte-swapped files, inbound/outbound, ...); each capture's
 * packets then run through the program compiled on its handle.
 * -k skips the first SKIP selected expressions (to resume after a crash).
 * -t traces "at SEQ EXPR" to stderr before each compile, so a caller can
 * name the expression that crashed or hung; -a SECONDS ends the probe
 * with status 124 when one expression takes longer (compile and runs).
 * Bad usage or a bad corpus ends it with status 64.
 *
 * Output, one line per expression (fields separated by tabs):
 *   SEQ LINE EXPECT ERR MESSAGE EXPR
 *   SEQ LINE EXPECT OK ACCEPTED HASH VERDICTS EXPR
 * VERDICTS has one character per packet: 0 (rejected), 1 (accepted with
 * the snapshot length), x (any other return value) or L (the program
 * was still looping after LOOP_STEPS instructions); HASH covers the
 * exact return values.  Programs that jump backwards (libpcap's
 * protochain loops) may never end on crafted headers, in libpcap too:
 * those run in a step-bounded interpreter of the probe's own with
 * pcap_filter's semantics instead of pcap_offline_filter.  A first line
 * "# packets N hash H" describes the packets as read, so reader
 * differences cannot pass for filter ones.
 */
#include <pcap/pcap.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/compat/filter-corpus.h"

struct packet {
	struct pcap_pkthdr hdr;
	u_char *data;
	int file;		/* index into the capture list */
};

struct capture {
	pcap_t *handle;		/* kept open for -H */
	size_t first, end;	/* its packets: pkts[first..end) */
};

struct capture_set {
	struct packet *pkts;
	size_t n, cap;
	struct capture *files;
	int nfiles;
};

struct options {
	int optimize;
	int file_handles;
	int trace;
	unsigned alarm_s;
	long skip;
	struct corpus_settings base;
};

static uint64_t fnv1a(uint64_t h, const void *buf, size_t n)
{
	const u_char *b = buf;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "probe-filter: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(CORPUS_EXIT_USAGE);
}

static void add_packet(struct capture_set *cs, const struct pcap_pkthdr *h,
		       const u_char *data, int file)
{
	struct packet *p;

	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 1024;
		cs->pkts = realloc(cs->pkts, cs->cap * sizeof *cs->pkts);
		if (!cs->pkts)
			die("out of memory%s", "");
	}
	p = &cs->pkts[cs->n++];
	p->hdr = *h;
	p->file = file;
	p->data = malloc(h->caplen ? h->caplen : 1);
	if (!p->data)
		die("out of memory%s", "");
	memcpy(p->data, data, h->caplen);
}

/* Reads every packet of FILE; a file of another link type is an error. */
static void load_capture(struct capture_set *cs, const char *file, int dlt,
			 int keep_open)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	int rc;

	cs->files = realloc(cs->files, (cs->nfiles + 1) * sizeof *cs->files);
	if (!cs->files)
		die("out of memory%s", "");
	cs->files[cs->nfiles].first = cs->n;
	p = pcap_open_offline(file, errbuf);
	if (!p)
		die("%s", errbuf);
	if (pcap_datalink(p) != dlt) {
		fprintf(stderr, "probe-filter: %s has link type %d, not %d\n",
			file, pcap_datalink(p), dlt);
		exit(CORPUS_EXIT_USAGE);
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1)
		add_packet(cs, h, data, cs->nfiles);
	if (rc == PCAP_ERROR)
		fprintf(stderr, "probe-filter: %s: %s (packets before it kept)\n",
			file, pcap_geterr(p));
	if (!keep_open) {
		pcap_close(p);
		p = NULL;
	}
	cs->files[cs->nfiles].handle = p;
	cs->files[cs->nfiles++].end = cs->n;
}

static void free_captures(struct capture_set *cs)
{
	for (size_t i = 0; i < cs->n; i++)
		free(cs->pkts[i].data);
	for (int i = 0; i < cs->nfiles; i++)
		if (cs->files[i].handle)
			pcap_close(cs->files[i].handle);
	free(cs->pkts);
	free(cs->files);
}

static uint64_t packets_hash(const struct capture_set *cs)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < cs->n; i++) {
		const struct packet *p = &cs->pkts[i];
		uint32_t lens[2] = { p->hdr.caplen, p->hdr.len };

		h = fnv1a(h, lens, sizeof lens);
		h = fnv1a(h, p->data, p->hdr.caplen);
	}
	return h;
}

struct outcome {
	int ok;
	char msg[PCAP_ERRBUF_SIZE + 64];
	size_t accepted;
	uint64_t hash;
};

static int compile_on(pcap_t *p, struct bpf_program *prog, const char *expr,
		      int optimize, bpf_u_int32 netmask, struct outcome *out)
{
	if (pcap_compile(p, prog, expr, optimize, netmask) == 0)
		return 0;
	out->ok = 0;
	snprintf(out->msg, sizeof out->msg, "%s", pcap_geterr(p));
	corpus_untab(out->msg);
	return -1;
}

#define LOOP_STEPS 1000000
#define LOOPED 0xfffffffeu	/* "return value" of a program that looped */

static char verdict_char(uint32_t ret, int snaplen)
{
	if (ret == 0)
		return '0';
	if (ret == LOOPED)
		return 'L';
	return ret == (uint32_t)snaplen ? '1' : 'x';
}

static int jumps_backwards(const struct bpf_program *prog)
{
	for (u_int i = 0; i < prog->bf_len; i++)
		if (prog->bf_insns[i].code == (BPF_JMP | BPF_JA) &&
		    (int32_t)prog->bf_insns[i].k < 0)
			return 1;
	return 0;
}

static uint32_t load_be(const u_char *p, u_int size)
{
	uint32_t v = 0;

	for (u_int i = 0; i < size; i++)
		v = v << 8 | p[i];
	return v;
}

/* pcap_filter's semantics (out-of-bounds loads and division by zero
 * reject, shifts by X >= 32 give 0, signed "ja"), with a step bound. */
static uint32_t bounded_filter(const struct bpf_insn *insns, u_int len,
			       const u_char *pkt, u_int wirelen, u_int caplen)
{
	uint32_t A = 0, X = 0, mem[BPF_MEMWORDS] = { 0 }, k;
	static const u_int sizes[] = { [BPF_W] = 4, [BPF_H] = 2, [BPF_B] = 1 };
	long steps = 0;

	for (u_int pc = 0; pc < len; pc++) {
		const struct bpf_insn *in = &insns[pc];
		u_int size = sizes[BPF_SIZE(in->code)];
		int cond;

		if (++steps > LOOP_STEPS)
			return LOOPED;
		switch (BPF_CLASS(in->code)) {
		case BPF_RET:
			return BPF_RVAL(in->code) == BPF_A ? A : in->k;
		case BPF_LD:
		case BPF_LDX:
			switch (BPF_MODE(in->code)) {
			case BPF_ABS:
			case BPF_IND:
				k = in->k;
				if (BPF_MODE(in->code) == BPF_IND) {
					if (X > caplen || k > caplen - X)
						return 0;
					k += X;
				}
				if (k > caplen || size > caplen - k)
					return 0;
				A = load_be(pkt + k, size);
				break;
			case BPF_MSH:
				if (in->k >= caplen)
					return 0;
				X = (uint32_t)(pkt[in->k] & 0xf) << 2;
				break;
			case BPF_LEN:
			case BPF_IMM:
			case BPF_MEM:
				k = BPF_MODE(in->code) == BPF_LEN ? wirelen :
				    BPF_MODE(in->code) == BPF_IMM ? in->k :
				    mem[in->k % BPF_MEMWORDS];
				if (BPF_CLASS(in->code) == BPF_LD)
					A = k;
				else
					X = k;
				break;
			default:
				return 0;
			}
			break;
		case BPF_ST:
		case BPF_STX:
			mem[in->k % BPF_MEMWORDS] = BPF_CLASS(in->code) == BPF_ST ? A : X;
			break;
		case BPF_JMP:
			k = BPF_SRC(in->code) == BPF_X ? X : in->k;
			switch (BPF_OP(in->code)) {
			case BPF_JA:
				pc += (u_int)(int32_t)in->k;
				continue;
			case BPF_JEQ: cond = A == k; break;
			case BPF_JGT: cond = A > k; break;
			case BPF_JGE: cond = A >= k; break;
			case BPF_JSET: cond = (A & k) != 0; break;
			default: return 0;
			}
			pc += cond ? in->jt : in->jf;
			break;
		case BPF_ALU:
			k = BPF_SRC(in->code) == BPF_X ? X : in->k;
			switch (BPF_OP(in->code)) {
			case BPF_ADD: A += k; break;
			case BPF_SUB: A -= k; break;
			case BPF_MUL: A *= k; break;
			case BPF_DIV: if (k == 0) return 0; A /= k; break;
			case BPF_MOD: if (k == 0) return 0; A %= k; break;
			case BPF_AND: A &= k; break;
			case BPF_OR: A |= k; break;
			case BPF_XOR: A ^= k; break;
			case BPF_LSH: A = k < 32 ? A << k : 0; break;
			case BPF_RSH: A = k < 32 ? A >> k : 0; break;
			case BPF_NEG: A = 0u - A; break;
			default: return 0;
			}
			break;
		case BPF_MISC:
			if (BPF_MISCOP(in->code) == BPF_TAX)
				X = A;
			else
				A = X;
			break;
		}
	}
	return 0;
}

/* Runs PROG over packets [first, end), filling VERDICTS. */
static void run_program(const struct bpf_program *prog,
			const struct capture_set *cs, size_t first, size_t end,
			int snaplen, char *verdicts, struct outcome *out)
{
	int looping = jumps_backwards(prog);

	for (size_t i = first; i < end; i++) {
		const struct packet *p = &cs->pkts[i];
		uint32_t ret;

		if (looping)
			ret = bounded_filter(prog->bf_insns, prog->bf_len, p->data,
					     p->hdr.len, p->hdr.caplen);
		else
			ret = (uint32_t)pcap_offline_filter(prog, &p->hdr, p->data);
		verdicts[i] = verdict_char(ret, snaplen);
		out->hash = fnv1a(out->hash, &ret, sizeof ret);
		if (ret != 0)
			out->accepted++;
	}
}

/* What of a savefile handle pcap_compile may look at besides the link
 * type: captures alike in these get the same program. */
static int same_kind(pcap_t *a, pcap_t *b)
{
	return pcap_is_swapped(a) == pcap_is_swapped(b) &&
	       pcap_snapshot(a) == pcap_snapshot(b);
}

/* -H: compiles on each kind of capture's handle once, runs each
 * capture's packets through the program of its kind. */
static void evaluate_on_files(const char *expr, const struct corpus_settings *st,
			      const struct options *o,
			      const struct capture_set *cs, char *verdicts,
			      struct outcome *out)
{
	struct bpf_program *progs = calloc((size_t)cs->nfiles, sizeof *progs);
	int *kind = calloc((size_t)cs->nfiles, sizeof *kind);

	if (!progs || !kind)
		die("out of memory%s", "");
	for (int f = 0; f < cs->nfiles && out->ok; f++) {
		const struct capture *c = &cs->files[f];

		kind[f] = f;
		for (int g = 0; g < f; g++)
			if (kind[g] == g && same_kind(cs->files[g].handle, c->handle)) {
				kind[f] = g;
				break;
			}
		if (kind[f] == f &&
		    compile_on(c->handle, &progs[f], expr, o->optimize,
			       st->netmask, out))
			kind[f] = -1;
		if (out->ok)
			run_program(&progs[kind[f]], cs, c->first, c->end,
				    pcap_snapshot(c->handle), verdicts, out);
	}
	for (int f = 0; f < cs->nfiles; f++)
		if (kind[f] == f)
			pcap_freecode(&progs[f]);
	free(progs);
	free(kind);
}

static void evaluate(const char *expr, const struct corpus_settings *st,
		     const struct options *o, const struct capture_set *cs,
		     char *verdicts, struct outcome *out)
{
	struct bpf_program prog;

	memset(out, 0, sizeof *out);
	out->ok = 1;
	out->hash = 0xcbf29ce484222325ULL;
	if (o->file_handles && cs->nfiles > 0) {
		evaluate_on_files(expr, st, o, cs, verdicts, out);
		return;
	}
	pcap_t *p = pcap_open_dead(st->dlt, st->snaplen);

	if (!p)
		die("pcap_open_dead failed%s", "");
	if (compile_on(p, &prog, expr, o->optimize, st->netmask, out) == 0) {
		run_program(&prog, cs, 0, cs->n, st->snaplen, verdicts, out);
		pcap_freecode(&prog);
	}
	pcap_close(p);
}

struct batch {
	const struct options *o;
	const struct capture_set *cs;
	char *verdicts;
};

static void print_outcome(const char *expr, long lineno, long seq,
			  const struct corpus_settings *st, void *ctx)
{
	struct batch *b = ctx;
	struct outcome out;

	if (b->o->trace) {
		fprintf(stderr, "at\t%ld\t%s\n", seq, expr);
		fflush(stderr);
	}
	alarm(b->o->alarm_s);
	evaluate(expr, st, b->o, b->cs, b->verdicts, &out);
	if (out.ok) {
		b->verdicts[b->cs->n] = '\0';
		printf("%ld\t%ld\t%s\tOK\t%zu\t%016llx\t%s\t%s\n", seq, lineno,
		       st->expect, out.accepted, (unsigned long long)out.hash,
		       b->verdicts, expr);
	} else
		printf("%ld\t%ld\t%s\tERR\t%s\t%s\n", seq, lineno, st->expect,
		       out.msg, expr);
	/* A crash in the next expression must not lose this line. */
	fflush(stdout);
	alarm(0);
}

static int list_files(char **files, int n)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;

	for (int i = 0; i < n; i++) {
		pcap_t *p = pcap_open_offline(files[i], errbuf);
		long count = 0;
		const char *name;

		if (!p) {
			corpus_untab(errbuf);
			printf("%s\t-1\t%s\t0\n", files[i], errbuf);
			continue;
		}
		while (pcap_next_ex(p, &h, &d) == 1)
			count++;
		name = pcap_datalink_val_to_name(pcap_datalink(p));
		printf("%s\t%d\t%s\t%ld\n", files[i], pcap_datalink(p),
		       name ? name : "-", count);
		pcap_close(p);
	}
	return 0;
}

static int dump_packet(long index, char **files, int n)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	long seen = 0;

	for (int i = 0; i < n; i++) {
		pcap_t *p = pcap_open_offline(files[i], errbuf);

		if (!p)
			die("%s", errbuf);
		while (pcap_next_ex(p, &h, &d) == 1) {
			if (seen++ != index)
				continue;
			printf("packet %ld: %s #%ld, caplen %u len %u\n", index,
			       files[i], seen - 1, h->caplen, h->len);
			for (u_int j = 0; j < h->caplen && j < 96; j++)
				printf("%s%02x", j % 16 == 0 ? (j ? "\n  " : "  ") : " ",
				       d[j]);
			printf("\n");
			pcap_close(p);
			return 0;
		}
		pcap_close(p);
	}
	die("no packet with that index%s", "");
	return CORPUS_EXIT_USAGE;
}

static void on_alarm(int sig)
{
	static const char msg[] = "probe-filter: expression timed out\n";

	(void)sig;
	(void)!write(STDERR_FILENO, msg, sizeof msg - 1);
	_exit(124);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: probe-filter [-O0] [-s SNAPLEN] [-m NETMASK] [-H] [-t] [-a SECONDS]\n"
		"                    [-k SKIP] -d DLT (-c CORPUS | -e EXPRFILE) [PACKETFILE...]\n"
		"       probe-filter -L FILE...\n"
		"       probe-filter -x INDEX FILE...\n"
		"       probe-filter -D NAME...\n");
	exit(CORPUS_EXIT_USAGE);
}

int main(int argc, char **argv)
{
	struct options o = { .optimize = 1,
			     .base = { .dlt = -1, .snaplen = 262144,
				       .netmask = PCAP_NETMASK_UNKNOWN } };
	struct capture_set cs = { 0 };
	const char *input = NULL;
	int corpus = 0, i;
	FILE *in;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "-O0") == 0)
			o.optimize = 0;
		else if (strcmp(a, "-H") == 0)
			o.file_handles = 1;
		else if (strcmp(a, "-t") == 0)
			o.trace = 1;
		else if (strcmp(a, "-L") == 0)
			return list_files(argv + i + 1, argc - i - 1);
		else if (strcmp(a, "-D") == 0) {
			for (i++; i < argc; i++)
				printf("%s\t%d\n", argv[i], corpus_parse_dlt(argv[i]));
			return 0;
		}
		else if (strcmp(a, "-x") == 0 && v)
			return dump_packet(atol(v), argv + i + 2, argc - i - 2);
		else if (!v)
			usage();
		else if (strcmp(a, "-s") == 0)
			o.base.snaplen = atoi(v), i++;
		else if (strcmp(a, "-m") == 0)
			o.base.netmask = corpus_parse_netmask(v), i++;
		else if (strcmp(a, "-a") == 0)
			o.alarm_s = (unsigned)atoi(v), i++;
		else if (strcmp(a, "-k") == 0)
			o.skip = atol(v), i++;
		else if (strcmp(a, "-d") == 0)
			o.base.dlt = corpus_parse_dlt(v), i++;
		else if (strcmp(a, "-c") == 0)
			input = v, corpus = 1, i++;
		else if (strcmp(a, "-e") == 0)
			input = v, corpus = 0, i++;
		else
			usage();
	}
	if (o.base.dlt < 0 || !input)
		usage();
	signal(SIGALRM, on_alarm);
	for (; i < argc; i++)
		load_capture(&cs, argv[i], o.base.dlt, o.file_handles);
	printf("# packets %zu hash %016llx\n", cs.n,
	       (unsigned long long)packets_hash(&cs));
	in = strcmp(input, "-") == 0 ? stdin : fopen(input, "r");
	if (!in)
		die("cannot open %s", input);
	struct batch b = { &o, &cs, malloc(cs.n + 1) };

	if (!b.verdicts)
		die("out of memory%s", "");
	corpus_walk(in, corpus, &o.base, o.skip, print_outcome, &b);
	free(b.verdicts);
	free_captures(&cs);
	if (in != stdin)
		fclose(in);
	return 0;
}
