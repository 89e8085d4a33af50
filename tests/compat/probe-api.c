/*
 * probe-api.c: prints what the handle-level API answers -- status strings,
 * pcap_init, dead and not-yet-activated handles, and the read loop's count
 * and break conventions on a small savefile.  api-diff.sh runs it on the
 * system libpcap and on ours; the outputs must be identical.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Deprecated calls are part of the ABI we compare. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static char errbuf[PCAP_ERRBUF_SIZE];

static void show_status(void)
{
	for (int s = -15; s <= 5; s++)
		printf("statustostr(%d) = %s\n", s, pcap_statustostr(s));
	for (int e = 0; e <= 5; e++)
		printf("strerror(%d) = %s\n", e, pcap_strerror(e));
	/* Only the part both libraries share: ours names itself after it. */
	printf("lib_version prefix = %.22s\n", pcap_lib_version());
}

static void show_init(int argc, char **argv)
{
	int r = -1;

	for (int i = 0; i < argc; i++) {
		unsigned opts = (unsigned)strtoul(argv[i], NULL, 0);

		errbuf[0] = '\0';
		r = pcap_init(opts, errbuf);
		printf("pcap_init(%u) = %d [%s]\n", opts, r, r ? errbuf : "");
	}
	/* Only after a successful pcap_init is the answer machine-independent. */
	if (r == 0) {
		errbuf[0] = '\0';
		char *dev = pcap_lookupdev(errbuf);
		printf("lookupdev = %s [%s]\n", dev ? dev : "(null)", errbuf);
	}
}

/* The text before ": strerror(errno)", whose errno is whatever was left over. */
static const char *before_errno(const char *msg)
{
	static char cut[PCAP_ERRBUF_SIZE];
	const char *colon = strstr(msg, ": ");

	snprintf(cut, sizeof cut, "%.*s", colon ? (int)(colon - msg) : (int)strlen(msg), msg);
	return cut;
}

static void show_list(const char *what, int n, int *list)
{
	printf("%s = %d [", what, n);
	for (int i = 0; i < n && list != NULL; i++)
		printf(" %d", list[i]);
	printf(" ]\n");
}

static int count_cb_n;

/* Passed as the callback's user argument: break the loop at packet stop_at. */
struct breaker {
	int stop_at;
	pcap_t *p;
};

static void count_cb(u_char *user, const struct pcap_pkthdr *h,
		     const u_char *data)
{
	const struct breaker *b = (const struct breaker *)user;

	(void)data;
	printf("  packet %d len %u caplen %u\n", ++count_cb_n, h->len,
	       h->caplen);
	if (b != NULL && count_cb_n == b->stop_at)
		pcap_breakloop(b->p);
}

/* Calls that do not read packets, answered by any kind of handle. */
static void show_handle(pcap_t *p, const char *label)
{
	int *list = NULL;
	int r;
	struct pcap_stat st;
	struct bpf_program prog;
	u_char frame[64] = { 0 };

	printf("[%s]\n", label);
	printf("datalink = %d\n", pcap_datalink(p));
	printf("datalink_ext = %d\n", pcap_datalink_ext(p));
	printf("snapshot = %d\n", pcap_snapshot(p));
	printf("is_swapped = %d\n", pcap_is_swapped(p));
	printf("major = %d minor = %d\n", pcap_major_version(p),
	       pcap_minor_version(p));
	printf("file = %s\n", pcap_file(p) ? "FILE" : "NULL");
	printf("fileno = %d\n", pcap_fileno(p) >= 3 ? 3 : pcap_fileno(p));
	printf("selectable_fd = %d\n",
	       pcap_get_selectable_fd(p) >= 3 ? 3 : pcap_get_selectable_fd(p));
	printf("required_select_timeout = %s\n",
	       pcap_get_required_select_timeout(p) ? "set" : "NULL");
	printf("tstamp_precision = %d\n", pcap_get_tstamp_precision(p));

	r = pcap_list_datalinks(p, &list);
	show_list("list_datalinks", r, r > 0 ? list : NULL);
	if (r > 0)
		pcap_free_datalinks(list);
	r = pcap_list_tstamp_types(p, &list);
	show_list("list_tstamp_types", r, r > 0 ? list : NULL);
	if (r > 0)
		pcap_free_tstamp_types(list);

	r = pcap_can_set_rfmon(p);
	printf("can_set_rfmon = %d [%s]\n", r, r < 0 ? pcap_geterr(p) : "");
	errbuf[0] = '\0';
	r = pcap_getnonblock(p, errbuf);
	printf("getnonblock = %d [%s] [%s]\n", r, r < 0 ? pcap_geterr(p) : "",
	       errbuf);
	errbuf[0] = '\0';
	r = pcap_setnonblock(p, 1, errbuf);
	printf("setnonblock(1) = %d [%s] [%s]\n", r,
	       r < 0 ? pcap_geterr(p) : "", errbuf);
	r = pcap_getnonblock(p, errbuf);
	printf("getnonblock = %d\n", r);
	r = pcap_setnonblock(p, 0, errbuf);
	printf("setnonblock(0) = %d\n", r);
	r = pcap_stats(p, &st);
	printf("stats = %d [%s]\n", r, r < 0 ? pcap_geterr(p) : "");
	for (int d = -1; d <= 3; d++) {
		r = pcap_setdirection(p, (pcap_direction_t)d);
		printf("setdirection(%d) = %d [%s]\n", d, r,
		       r < 0 ? pcap_geterr(p) : "");
	}
	r = pcap_inject(p, frame, sizeof frame);
	printf("inject = %d [%s]\n", r, r < 0 ? pcap_geterr(p) : "");
	r = pcap_inject(p, frame, 0);
	printf("inject(0) = %d [%s]\n", r, r < 0 ? before_errno(pcap_geterr(p)) : "");
	r = pcap_sendpacket(p, frame, 0);
	printf("sendpacket(0) = %d [%s]\n", r, r < 0 ? before_errno(pcap_geterr(p)) : "");
	r = pcap_sendpacket(p, frame, sizeof frame);
	printf("sendpacket = %d [%s]\n", r, r < 0 ? pcap_geterr(p) : "");
	r = pcap_set_datalink(p, pcap_datalink(p));
	printf("set_datalink(same) = %d [%s]\n", r,
	       r < 0 ? pcap_geterr(p) : "");
	r = pcap_set_datalink(p, DLT_IEEE802_11_RADIO);
	printf("set_datalink(other) = %d [%s]\n", r,
	       r < 0 ? pcap_geterr(p) : "");
	r = pcap_set_datalink(p, 70000);
	printf("set_datalink(70000) = %d [%s]\n", r,
	       r < 0 ? pcap_geterr(p) : "");

	r = pcap_compile(p, &prog, "", 1, PCAP_NETMASK_UNKNOWN);
	printf("compile(\"\") = %d [%s]\n", r, r < 0 ? pcap_geterr(p) : "");
	if (r == 0) {
		for (u_int i = 0; i < prog.bf_len; i++)
			printf("  insn %u: code 0x%x jt %u jf %u k %u\n", i,
			       prog.bf_insns[i].code, prog.bf_insns[i].jt,
			       prog.bf_insns[i].jf, prog.bf_insns[i].k);
		r = pcap_setfilter(p, &prog);
		printf("setfilter = %d [%s]\n", r, r < 0 ? pcap_geterr(p) : "");
		pcap_freecode(&prog);
		printf("freecode: len %u insns %s\n", prog.bf_len,
		       prog.bf_insns ? "set" : "NULL");
	}
	r = pcap_compile(p, &prog, NULL, 0, 0);
	printf("compile(NULL) = %d [%s]\n", r, r < 0 ? pcap_geterr(p) : "");
	if (r == 0)
		pcap_freecode(&prog);

	struct pcap_pkthdr h, *hp;
	const u_char *data;
	count_cb_n = 0;
	r = pcap_dispatch(p, 1, count_cb, NULL);
	printf("dispatch = %d [%s]\n", r, r < 0 ? pcap_geterr(p) : "");
	data = pcap_next(p, &h);
	printf("next = %s\n", data ? "data" : "NULL");
	r = pcap_next_ex(p, &hp, &data);
	printf("next_ex = %d [%s]\n", r, r < 0 ? pcap_geterr(p) : "");
	r = pcap_loop(p, 1, count_cb, NULL);
	printf("loop = %d [%s]\n", r, r < 0 ? pcap_geterr(p) : "");
}

static void show_dead(void)
{
	static const int dlts[] = { DLT_EN10MB, DLT_RAW, DLT_NULL, 147 };
	static const int snaps[] = { 65535, 0, -5 };
	static const unsigned precs[] = { 0, 1, 7 };
	char label[128];

	for (size_t i = 0; i < sizeof dlts / sizeof dlts[0]; i++)
		for (size_t j = 0; j < sizeof snaps / sizeof snaps[0]; j++)
			for (size_t k = 0; k < sizeof precs / sizeof precs[0]; k++) {
				pcap_t *p = pcap_open_dead_with_tstamp_precision(
					dlts[i], snaps[j], precs[k]);

				snprintf(label, sizeof label,
					 "dead dlt %d snap %d prec %u", dlts[i],
					 snaps[j], precs[k]);
				if (p == NULL) {
					printf("[%s] NULL\n", label);
					continue;
				}
				show_handle(p, label);
				pcap_close(p);
			}
	struct bpf_program prog;
	int r = pcap_compile_nopcap(100, DLT_EN10MB, &prog, "", 1, 0);
	printf("compile_nopcap = %d len %u k %u\n", r, prog.bf_len,
	       r == 0 ? prog.bf_insns[0].k : 0);
	if (r == 0)
		pcap_freecode(&prog);
	r = pcap_compile_nopcap(0, DLT_EN10MB, &prog, "", 1, 0);
	printf("compile_nopcap(snap 0) = %d\n", r);
	static const char *const exprs[] = {
		"tcp port 80", "vlan and ip6", "tcp port nosuchport", "ip and (",
	};
	for (size_t i = 0; i < sizeof exprs / sizeof exprs[0]; i++)
		for (int opt = 0; opt <= 1; opt++) {
			r = pcap_compile_nopcap(65535, DLT_EN10MB, &prog, exprs[i],
						opt, PCAP_NETMASK_UNKNOWN);
			printf("compile_nopcap(\"%s\", %d) = %d len %u\n", exprs[i],
			       opt, r, r == 0 ? prog.bf_len : 0);
			if (r == 0)
				pcap_freecode(&prog);
		}
}

static void show_created(void)
{
	pcap_t *p = pcap_create("lo", errbuf);
	int r;

	if (p == NULL) {
		printf("create failed: %s\n", errbuf);
		return;
	}
	printf("set_snaplen = %d\n", pcap_set_snaplen(p, 100));
	printf("set_promisc = %d\n", pcap_set_promisc(p, 1));
	printf("set_timeout = %d\n", pcap_set_timeout(p, 10));
	printf("set_buffer_size(-1) = %d\n", pcap_set_buffer_size(p, -1));
	printf("set_buffer_size = %d\n", pcap_set_buffer_size(p, 1 << 20));
	printf("set_immediate_mode = %d\n", pcap_set_immediate_mode(p, 1));
	printf("set_rfmon = %d\n", pcap_set_rfmon(p, 0));
	printf("set_protocol_linux = %d\n", pcap_set_protocol_linux(p, 3));
	for (int t = -1; t <= 6; t++)
		printf("set_tstamp_type(%d) = %d\n", t,
		       pcap_set_tstamp_type(p, t));
	for (int t = -1; t <= 2; t++)
		printf("set_tstamp_precision(%d) = %d\n", t,
		       pcap_set_tstamp_precision(p, t));
	show_handle(p, "created lo");
	r = pcap_setfilter(p, &(struct bpf_program){ 0, NULL });
	printf("setfilter(unactivated) = %d [%s]\n", r, pcap_geterr(p));
	pcap_close(p);

	p = pcap_create(NULL, errbuf);
	printf("create(NULL) = %s\n", p ? "handle" : errbuf);
	if (p != NULL)
		pcap_close(p);
}

/* A little-endian µs pcap file with n Ethernet-sized packets. */
static void write_small_pcap(const char *path, int n)
{
	FILE *f = fopen(path, "wb");
	unsigned hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
	u_char pkt[60];

	fwrite(hdr, 4, 6, f);
	for (int i = 0; i < n; i++) {
		unsigned rec[4] = { 1000 + (unsigned)i, (unsigned)i * 10,
				    (unsigned)(20 + i), (unsigned)(20 + i) };

		memset(pkt, i, sizeof pkt);
		fwrite(rec, 4, 4, f);
		fwrite(pkt, 1, rec[2], f);
	}
	fclose(f);
}

static pcap_t *open_small(const char *path)
{
	pcap_t *p = pcap_open_offline(path, errbuf);

	if (p == NULL)
		printf("open failed: %s\n", errbuf);
	return p;
}

static void show_loops(const char *dir)
{
	char path[512];
	pcap_t *p;
	int r;
	struct breaker brk;

	snprintf(path, sizeof path, "%s/five.pcap", dir);
	write_small_pcap(path, 5);

	static const int counts[] = { -1, 0, 1, 2, 7 };
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		if ((p = open_small(path)) == NULL)
			return;
		printf("dispatch cnt %d:\n", counts[i]);
		count_cb_n = 0;
		while ((r = pcap_dispatch(p, counts[i], count_cb, NULL)) > 0)
			printf(" -> %d\n", r);
		printf(" -> %d\n", r);
		pcap_close(p);

		if ((p = open_small(path)) == NULL)
			return;
		printf("loop cnt %d:\n", counts[i]);
		count_cb_n = 0;
		r = pcap_loop(p, counts[i], count_cb, NULL);
		printf(" -> %d, then %d\n", r, pcap_loop(p, -1, count_cb, NULL));
		pcap_close(p);
	}

	if ((p = open_small(path)) == NULL)
		return;
	struct pcap_pkthdr h, *hp;
	const u_char *data;
	while ((data = pcap_next(p, &h)) != NULL)
		printf("next: len %u first byte %u\n", h.len, data[0]);
	r = pcap_next_ex(p, &hp, &data);
	printf("next_ex after end = %d\n", r);
	pcap_close(p);

	if ((p = open_small(path)) == NULL)
		return;
	while ((r = pcap_next_ex(p, &hp, &data)) == 1)
		printf("next_ex: len %u caplen %u ts %ld.%06ld byte %u\n",
		       hp->len, hp->caplen, (long)hp->ts.tv_sec,
		       (long)hp->ts.tv_usec, data[0]);
	printf("next_ex end = %d\n", r);
	pcap_close(p);

	/* Breakloop before reading, and from inside the callback. */
	if ((p = open_small(path)) == NULL)
		return;
	pcap_breakloop(p);
	count_cb_n = 0;
	printf("dispatch after breakloop = %d\n",
	       pcap_dispatch(p, -1, count_cb, NULL));
	printf("dispatch again = %d\n", pcap_dispatch(p, 1, count_cb, NULL));
	brk.stop_at = 3;
	brk.p = p;
	printf("loop with break at 3 = %d\n",
	       pcap_loop(p, -1, count_cb, (u_char *)&brk));
	printf("loop after = %d\n", pcap_loop(p, -1, count_cb, NULL));
	pcap_close(p);

	if ((p = open_small(path)) == NULL)
		return;
	count_cb_n = 0;
	brk.stop_at = 2;
	brk.p = p;
	printf("dispatch with break at 2 = %d\n",
	       pcap_dispatch(p, -1, count_cb, (u_char *)&brk));
	printf("next_ex after = %d\n", pcap_next_ex(p, &hp, &data));
	printf("next_ex again = %d\n", pcap_next_ex(p, &hp, &data));
	show_handle(p, "savefile after reads");
	pcap_close(p);

	unlink(path);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: probe-api status|init OPTS...|dead|"
				"created|loops DIR\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(argv[1], "status") == 0)
		show_status();
	else if (strcmp(argv[1], "init") == 0)
		show_init(argc - 2, argv + 2);
	else if (strcmp(argv[1], "dead") == 0)
		show_dead();
	else if (strcmp(argv[1], "created") == 0)
		show_created();
	else if (strcmp(argv[1], "loops") == 0 && argc > 2)
		show_loops(argv[2]);
	else
		return 2;
	return 0;
}
