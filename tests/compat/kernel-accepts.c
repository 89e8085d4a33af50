/*
 * kernel-accepts.c: compiles filter expressions with whichever libpcap
 * the loader picks and checks that the Linux kernel's classic BPF checker
 * takes each program (SO_ATTACH_FILTER on a plain UDP socket, no root
 * needed), and that bpf_dump's -d/-dd/-ddd texts describe the program:
 * the -dd and -ddd texts are parsed back into instructions, compared with
 * the program and attached in their turn.
 *
 *   kernel-accepts [-O0] [-s SNAPLEN] [-m NETMASK] -d DLT
 *                  (-c CORPUS | -e EXPRFILE)
 *   kernel-accepts [-O0] -d DLT -g KIND:N   (generated big expressions)
 *
 * One line per expression (tab-separated):
 *   SEQ ERR MESSAGE EXPR                  pcap_compile refused it
 *   SEQ OK LEN EXPR                       every check passed
 *   SEQ BAD LEN WHAT EXPR                 WHAT failed (kernel: errno text,
 *                                         or which dump did not parse back)
 * -g KIND:N generates one expression of N terms: hosts (host a or host
 * b ...), hostlist (host a or b or ...), ports, nets, mixed.
 *
 *   kernel-accepts -t D_FILE DD_FILE DDD_FILE
 * checks texts another program printed for one filter (tcpdump -d, -dd,
 * -ddd): the -dd and -ddd texts must parse to the same program, the -d
 * text must have a numbered line per instruction, and the kernel must
 * take the program.  Prints "OK LEN" or "BAD WHAT"; exits 1 on BAD.
 */
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/compat/filter-corpus.h"

struct checker {
	int sock;
	int optimize;
	int failures;
};

/* Runs bpf_dump(PROG, OPTION) with stdout sent to a temporary file and
 * returns what it printed (malloc'd, NUL-terminated). */
static char *capture_dump(const struct bpf_program *prog, int option)
{
	FILE *tmp = tmpfile();
	int saved;
	long n;
	char *text;

	if (!tmp)
		return NULL;
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fileno(tmp), STDOUT_FILENO);
	bpf_dump(prog, option);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	n = lseek(fileno(tmp), 0, SEEK_END);
	text = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (text && (lseek(fileno(tmp), 0, SEEK_SET) != 0 ||
		     read(fileno(tmp), text, (size_t)n) != n)) {
		free(text);
		text = NULL;
	}
	if (text)
		text[n] = '\0';
	fclose(tmp);
	return text;
}

/* -dd: one "{ 0xCODE, JT, JF, 0xK }," line per instruction. */
static int parse_dd(const char *text, struct sock_filter *out, u_int max)
{
	u_int n = 0;
	const char *line = text;

	while (*line) {
		unsigned code, jt, jf;
		unsigned long k;
		int used = 0;

		if (sscanf(line, " { 0x%x, %u, %u, 0x%lx },%n", &code, &jt, &jf,
			   &k, &used) != 4 || used == 0 || n == max)
			return -1;
		out[n++] = (struct sock_filter){ (uint16_t)code, (uint8_t)jt,
						 (uint8_t)jf, (uint32_t)k };
		line = strchr(line, '\n');
		if (!line)
			break;
		line++;
	}
	return (int)n;
}

/* -ddd: the count, then "CODE JT JF K" in decimal per instruction. */
static int parse_ddd(const char *text, struct sock_filter *out, u_int max)
{
	int used = 0, count;
	u_int n;

	if (sscanf(text, "%d%n", &count, &used) != 1 || count < 0 ||
	    (u_int)count > max)
		return -1;
	text += used;
	for (n = 0; n < (u_int)count; n++) {
		unsigned code, jt, jf;
		unsigned long k;

		if (sscanf(text, "%u %u %u %lu%n", &code, &jt, &jf, &k, &used) != 4)
			return -1;
		text += used;
		out[n] = (struct sock_filter){ (uint16_t)code, (uint8_t)jt,
					       (uint8_t)jf, (uint32_t)k };
	}
	return count;
}

/* -d: bf_len lines numbered (000), (001), ... */
static int check_d(const char *text, u_int len)
{
	u_int n = 0;

	for (const char *l = text; *l; n++) {
		unsigned idx;

		if (sscanf(l, "(%u)", &idx) != 1 || idx != n)
			return -1;
		l = strchr(l, '\n');
		if (!l)
			return -1;
		l++;
	}
	return n == len ? 0 : -1;
}

static const char *attach(int sock, struct sock_filter *insns, u_int len)
{
	struct sock_fprog fp = { (unsigned short)len, insns };

	if (len > 0xffff)
		return "program longer than 65535 instructions";
	if (setsockopt(sock, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof fp) == 0)
		return NULL;
	return strerror(errno);
}

static int same_insns(const struct bpf_program *p, const struct sock_filter *f,
		      int n)
{
	if (n < 0 || (u_int)n != p->bf_len)
		return 0;
	for (int i = 0; i < n; i++) {
		const struct bpf_insn *a = &p->bf_insns[i];

		if (a->code != f[i].code || a->jt != f[i].jt ||
		    a->jf != f[i].jf || a->k != f[i].k)
			return 0;
	}
	return 1;
}

/* Every check for one program; returns what failed, or NULL. */
static const char *check_program(int sock, const struct bpf_program *prog,
				 char *why, size_t whylen)
{
	struct sock_filter *back = calloc(prog->bf_len + 1, sizeof *back);
	const char *err;
	char *d = NULL, *dd = NULL, *ddd = NULL;
	const char *failed = NULL;
	int n;

	if (!back)
		return "out of memory";
	err = attach(sock, (struct sock_filter *)prog->bf_insns, prog->bf_len);
	if (err) {
		snprintf(why, whylen, "kernel: %s", err);
		failed = why;
		goto out;
	}
	d = capture_dump(prog, 1);
	dd = capture_dump(prog, 2);
	ddd = capture_dump(prog, 3);
	if (!d || !dd || !ddd) {
		failed = "bpf_dump output not captured";
		goto out;
	}
	if (check_d(d, prog->bf_len)) {
		failed = "-d listing does not number every instruction";
		goto out;
	}
	n = parse_dd(dd, back, prog->bf_len + 1);
	if (!same_insns(prog, back, n)) {
		failed = "-dd text does not parse back to the program";
		goto out;
	}
	err = attach(sock, back, (u_int)n);
	if (err) {
		snprintf(why, whylen, "kernel (parsed -dd): %s", err);
		failed = why;
		goto out;
	}
	n = parse_ddd(ddd, back, prog->bf_len + 1);
	if (!same_insns(prog, back, n))
		failed = "-ddd text does not parse back to the program";
out:
	free(back);
	free(d);
	free(dd);
	free(ddd);
	return failed;
}

static void check_expression(const char *expr, long lineno, long seq,
			     const struct corpus_settings *st, void *ctx)
{
	struct checker *c = ctx;
	struct bpf_program prog;
	pcap_t *p = pcap_open_dead(st->dlt, st->snaplen);
	char why[256];
	const char *failed;

	(void)lineno;
	if (!p) {
		fprintf(stderr, "kernel-accepts: pcap_open_dead failed\n");
		exit(CORPUS_EXIT_USAGE);
	}
	if (pcap_compile(p, &prog, expr, c->optimize, st->netmask) < 0) {
		char msg[PCAP_ERRBUF_SIZE];

		snprintf(msg, sizeof msg, "%s", pcap_geterr(p));
		corpus_untab(msg);
		printf("%ld\tERR\t%s\t%.200s\n", seq, msg, expr);
	} else {
		failed = check_program(c->sock, &prog, why, sizeof why);
		if (failed) {
			printf("%ld\tBAD\t%u\t%s\t%.200s\n", seq, prog.bf_len, failed,
			       expr);
			c->failures++;
		} else
			printf("%ld\tOK\t%u\t%.200s\n", seq, prog.bf_len, expr);
		pcap_freecode(&prog);
	}
	fflush(stdout);
	pcap_close(p);
}

/* Term I of a generated expression of kind KIND. */
static void generated_term(char *buf, size_t len, const char *kind, int i)
{
	int a = (i >> 8) & 0xff, b = i & 0xff;

	if (strcmp(kind, "hosts") == 0)
		snprintf(buf, len, "host 10.%d.%d.1", a, b);
	else if (strcmp(kind, "hostlist") == 0)
		snprintf(buf, len, i ? "10.%d.%d.2" : "host 10.%d.%d.2", a, b);
	else if (strcmp(kind, "ports") == 0)
		snprintf(buf, len, i ? "%d" : "port %d", 1000 + i);
	else if (strcmp(kind, "nets") == 0)
		snprintf(buf, len, "net 172.%d.%d.0/24", 16 + a % 16, b);
	else if (strcmp(kind, "ip6hosts") == 0)
		snprintf(buf, len, "host fd00::%x:%x", a, b);
	else
		snprintf(buf, len, "(src host 10.0.%d.%d and (tcp port %d or udp))",
			 a, b, 2000 + i);
}

static char *generated(const char *spec)
{
	char kind[32];
	int n;
	size_t cap, used = 0;
	char *expr;

	if (sscanf(spec, "%31[a-z0-9]:%d", kind, &n) != 2 || n < 1 || n > 60000)
		corpus_die("bad -g spec ", spec, 0);
	cap = (size_t)n * 64 + 1;
	expr = malloc(cap);
	if (!expr)
		corpus_die("out of memory", "", 0);
	for (int i = 0; i < n; i++) {
		char term[64];

		generated_term(term, sizeof term, kind, i);
		used += (size_t)snprintf(expr + used, cap - used, "%s%s",
					 i ? " or " : "", term);
	}
	return expr;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);
	int ch;

	if (!f || !mem)
		corpus_die("cannot open ", path, 0);
	while ((ch = getc(f)) != EOF)
		putc(ch, mem);
	fclose(f);
	fclose(mem);
	return text;
}

/* -t: the dumps of one program printed by another program. */
static int check_texts(const char *d_file, const char *dd_file,
		       const char *ddd_file)
{
	enum { MAX = 65536 };
	static struct sock_filter dd[MAX], ddd[MAX];
	char *d = slurp(d_file), *dd_text = slurp(dd_file);
	char *ddd_text = slurp(ddd_file);
	int n = parse_dd(dd_text, dd, MAX);
	int n3 = parse_ddd(ddd_text, ddd, MAX);
	const char *why = NULL;
	int sock = socket(AF_INET, SOCK_DGRAM, 0);

	if (n <= 0)
		why = "-dd text does not parse";
	else if (n3 != n || memcmp(dd, ddd, sizeof dd[0] * (size_t)n) != 0)
		why = "-ddd text is not the -dd program";
	else if (check_d(d, (u_int)n) != 0)
		why = "-d text is not one numbered line per instruction";
	else if (sock < 0)
		why = strerror(errno);
	else
		why = attach(sock, dd, (u_int)n);
	if (why)
		printf("BAD %s\n", why);
	else
		printf("OK %d\n", n);
	if (sock >= 0)
		close(sock);
	free(d);
	free(dd_text);
	free(ddd_text);
	return why ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: kernel-accepts [-O0] [-s SNAPLEN] [-m NETMASK] "
			"-d DLT (-c CORPUS | -e EXPRFILE | -g KIND:N)\n"
			"       kernel-accepts -t D_FILE DD_FILE DDD_FILE\n");
	exit(CORPUS_EXIT_USAGE);
}

int main(int argc, char **argv)
{
	struct corpus_settings base = { .dlt = -1, .snaplen = 262144,
					.netmask = PCAP_NETMASK_UNKNOWN };
	struct checker c = { .optimize = 1 };
	const char *input = NULL, *gen = NULL;
	int is_corpus = 0;

	if (argc == 5 && strcmp(argv[1], "-t") == 0)
		return check_texts(argv[2], argv[3], argv[4]);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "-O0") == 0) {
			c.optimize = 0;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (strcmp(a, "-s") == 0)
			base.snaplen = atoi(v);
		else if (strcmp(a, "-m") == 0)
			base.netmask = corpus_parse_netmask(v);
		else if (strcmp(a, "-d") == 0)
			base.dlt = corpus_parse_dlt(v);
		else if (strcmp(a, "-c") == 0)
			input = v, is_corpus = 1;
		else if (strcmp(a, "-e") == 0)
			input = v, is_corpus = 0;
		else if (strcmp(a, "-g") == 0)
			gen = v;
		else
			usage();
	}
	if (base.dlt < 0 || (!input && !gen))
		usage();
	c.sock = socket(AF_INET, SOCK_DGRAM, 0);
	if (c.sock < 0) {
		perror("kernel-accepts: socket");
		return 2;
	}
	if (gen) {
		char *expr = generated(gen);

		strcpy(base.expect, "-");
		check_expression(expr, 0, 1, &base, &c);
		free(expr);
	} else {
		FILE *in = strcmp(input, "-") == 0 ? stdin : fopen(input, "r");

		if (!in)
			corpus_die("cannot open ", input, 0);
		corpus_walk(in, is_corpus, &base, 0, check_expression, &c);
	}
	close(c.sock);
	return c.failures ? 1 : 0;
}
