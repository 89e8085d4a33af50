/*
 * test-read-loop.c: the common read loop (pcap-compat/read-loop.c) over a
 * scripted source -- how pcap_loop, pcap_dispatch, pcap_next and
 * pcap_next_ex turn a source's batches, timeouts, end of file, errors and
 * breaks into libpcap's return values, and the copy made for sources whose
 * packet memory is only valid during the callback.
 */
#include "tests/unit/check.h"

#include "pcap-compat/pcap-int.h"

/* One scripted answer of the source: deliver n packets, then return ret. */
struct step {
	int deliver;
	int ret;
};

struct script {
	const struct step *steps;
	int n_steps;
	int next;
	int reads;		/* read op calls */
	int max_seen[16];	/* the max each call was given */
	u_char frame[64];
};

static int scripted_read(pcap_t *p, int max, pcap_handler cb, u_char *user)
{
	struct script *s = p->priv;
	struct pcap_pkthdr h = { .caplen = 64, .len = 64 };
	int delivered = 0;

	if (s->reads < 16)
		s->max_seen[s->reads] = max;
	s->reads++;
	if (s->next >= s->n_steps)
		return SOURCE_EOF;
	const struct step *st = &s->steps[s->next++];
	for (int i = 0; i < st->deliver; i++) {
		s->frame[0] = (u_char)(s->next * 10 + i);
		delivered += pcap_deliver(p, &h, s->frame, cb, user);
	}
	if (st->ret == 0 && delivered > 0)
		return delivered;
	return st->ret;
}

static struct source_ops scripted_ops = {
	.name = "scripted",
	.read = scripted_read,
};

static pcap_t *scripted(const struct step *steps, int n, bool transient)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;

	scripted_ops.transient_data = transient;
	p = pcap_handle_alloc(errbuf, &scripted_ops, sizeof(struct script));
	struct script *s = p->priv;
	s->steps = steps;
	s->n_steps = n;
	p->activated = true;
	return p;
}

static int counted;

static void count(u_char *user, const struct pcap_pkthdr *h,
		  const u_char *data)
{
	(void)user, (void)h, (void)data;
	counted++;
}

/* A live source: pcap_loop waits through timeouts (0) until cnt is met. */
static void test_loop_skips_timeouts(void)
{
	static const struct step steps[] = {
		{ 0, 0 }, { 2, 0 }, { 0, 0 }, { 0, 0 }, { 3, 0 }, { 4, 0 },
	};
	pcap_t *p = scripted(steps, 6, false);

	counted = 0;
	CHECK_INT(pcap_loop(p, 5, count, NULL), 0);
	CHECK_INT(counted, 5);
	/* The remaining count is what the source is asked for. */
	struct script *s = p->priv;
	CHECK_INT(s->max_seen[0], 5);
	CHECK_INT(s->max_seen[1], 5);
	CHECK_INT(s->max_seen[4], 3);
	pcap_close(p);
}

static void test_loop_unlimited_until_eof(void)
{
	static const struct step steps[] = { { 2, 0 }, { 0, 0 }, { 1, 0 } };
	pcap_t *p = scripted(steps, 3, false);

	counted = 0;
	CHECK_INT(pcap_loop(p, -1, count, NULL), 0);
	CHECK_INT(counted, 3);
	pcap_close(p);
}

static void test_loop_error_and_break(void)
{
	static const struct step err[] = { { 1, 0 }, { 0, PCAP_ERROR } };
	static const struct step brk[] = { { 1, 0 }, { 0, PCAP_ERROR_BREAK } };
	pcap_t *p = scripted(err, 2, false);

	CHECK_INT(pcap_loop(p, 0, count, NULL), PCAP_ERROR);
	pcap_close(p);
	p = scripted(brk, 2, false);
	CHECK_INT(pcap_loop(p, 10, count, NULL), PCAP_ERROR_BREAK);
	pcap_close(p);
}

static void test_dispatch_passes_statuses(void)
{
	static const struct step steps[] = { { 0, 0 }, { 3, 0 } };
	pcap_t *p = scripted(steps, 2, false);

	CHECK_INT(pcap_dispatch(p, 0, count, NULL), 0);		/* timeout */
	CHECK_INT(pcap_dispatch(p, 0, count, NULL), 3);
	CHECK_INT(pcap_dispatch(p, 0, count, NULL), 0);		/* EOF is 0 here */
	pcap_close(p);
}

static void test_next_ex_conventions(void)
{
	static const struct step steps[] = {
		{ 0, 0 }, { 1, 0 }, { 0, PCAP_ERROR_BREAK }, { 0, PCAP_ERROR },
	};
	pcap_t *p = scripted(steps, 4, false);
	struct pcap_pkthdr *h;
	const u_char *data;

	CHECK_INT(pcap_next_ex(p, &h, &data), 0);	/* live timeout */
	CHECK_INT(pcap_next_ex(p, &h, &data), 1);
	CHECK_INT(h->caplen, 64);
	CHECK_INT(data[0], 20);
	CHECK_INT(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK);
	CHECK_INT(pcap_next_ex(p, &h, &data), PCAP_ERROR);
	CHECK_INT(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK);	/* EOF */
	pcap_close(p);
}

/* Transient sources: the packet pcap_next_ex returns survives the slot's reuse. */
static void test_next_copies_transient_data(void)
{
	static const struct step steps[] = { { 1, 0 }, { 1, 0 } };
	pcap_t *p = scripted(steps, 2, true);
	struct script *s = p->priv;
	struct pcap_pkthdr h;
	const u_char *first = pcap_next(p, &h);

	CHECK(first != NULL);
	CHECK(first != s->frame);
	CHECK_INT(first[0], 10);
	s->frame[0] = 99;			/* the ring slot is reused */
	CHECK_INT(first[0], 10);
	pcap_close(p);

	p = scripted(steps, 2, false);
	s = p->priv;
	CHECK(pcap_next(p, &h) == s->frame);	/* stable memory: no copy */
	pcap_close(p);
}

static void test_unactivated_handle(void)
{
	static const struct step steps[] = { { 1, 0 } };
	pcap_t *p = scripted(steps, 1, false);
	struct pcap_pkthdr *h;
	const u_char *data;

	p->activated = false;
	CHECK_INT(pcap_loop(p, 1, count, NULL), PCAP_ERROR_NOT_ACTIVATED);
	CHECK_INT(pcap_dispatch(p, 1, count, NULL), PCAP_ERROR_NOT_ACTIVATED);
	CHECK_INT(pcap_next_ex(p, &h, &data), PCAP_ERROR_NOT_ACTIVATED);
	CHECK_STR(pcap_geterr(p), "This handle hasn't been activated yet");
	CHECK_INT(((struct script *)p->priv)->reads, 0);
	pcap_close(p);
}

/* The user-space filter runs in pcap_deliver: rejected packets are not counted. */
static void test_user_filter_in_deliver(void)
{
	static const struct step steps[] = { { 4, 0 } };
	/* Accept packets whose first byte is 11 or 13: two of the four. */
	struct bpf_insn odd[] = {
		{ BPF_LD | BPF_B | BPF_ABS, 0, 0, 0 },
		{ BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 11 },
		{ BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 13 },
		{ BPF_RET | BPF_K, 0, 0, 0 },
		{ BPF_RET | BPF_K, 0, 0, 64 },
	};
	struct bpf_program prog = { 5, odd };
	pcap_t *p = scripted(steps, 1, false);

	CHECK_INT(pcap_setfilter(p, &prog), 0);
	counted = 0;
	CHECK_INT(pcap_dispatch(p, -1, count, NULL), 2);
	CHECK_INT(counted, 2);
	pcap_close(p);

	p = scripted(steps, 1, false);		/* no filter: all four */
	counted = 0;
	CHECK_INT(pcap_dispatch(p, -1, count, NULL), 4);
	pcap_close(p);
}

int main(void)
{
	RUN(test_loop_skips_timeouts);
	RUN(test_loop_unlimited_until_eof);
	RUN(test_loop_error_and_break);
	RUN(test_dispatch_passes_statuses);
	RUN(test_next_ex_conventions);
	RUN(test_next_copies_transient_data);
	RUN(test_unactivated_handle);
	RUN(test_user_filter_in_deliver);
	CHECK_EXIT();
}
