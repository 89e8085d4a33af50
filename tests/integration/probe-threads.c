/*
 * probe-threads.c: several capture handles in one process, one thread
 * each, so the accel tests can show that handles opened side by side get
 * each its own configuration (accel/a.conf:dev and accel/b.conf:dev), or
 * share a device's packets as members of one fanout group.
 *
 *   probe-threads [options] DEVICE...     one thread and handle a DEVICE
 *
 * options:
 *   -o DIR: thread N (from 1) writes DIR/TN.out (default: the current
 *       directory)
 *   -s SNAPLEN -p (promisc) -t TIMEOUT_MS (default 100) -n (nanosecond
 *       time stamps): set on every handle before pcap_activate
 *   -e: a thread stops after the frame marked "ACLE" by send-frames
 *   -g FILE: a thread stops once FILE exists and nothing came for 300 ms
 *       (fanout members: the marked frame reaches one of them only)
 *   -d DEADLINE_MS (default 5000, from "ready"): a watchdog breaks every
 *       loop then
 *
 * A thread's file: "create = ..." and "activate = STATUS [MESSAGE]",
 * "datalink = N NAME", "snapshot = N", then "pkt CAPLEN LEN SEC.FRAC HEX"
 * per packet (as probe-live prints them; read in nonblocking mode after
 * poll() on the selectable fd), "end = marker|stopped|deadline|
 * error" and "stats = 0 recv N drop N ifdrop N".  Standard output:
 * "# lib VERSION", "thread N activate = STATUS" per thread, "ready" once
 * every thread has been through pcap_activate (whatever the outcome),
 * "done" when they have all finished.
 */
#include <pcap/pcap.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define END_MARKER "ACLE"
#define MAX_THREADS 16
#define QUIET_MS 300

struct options {
	const char *dir, *go_file;
	int snaplen, promisc, timeout, nano, end, deadline;
};

struct member {
	int n;				/* 1.. */
	const char *device;
	const struct options *o;
	pcap_t *handle;			/* set before the barrier */
	FILE *out;
	int status;			/* of pcap_activate */
	int end_seen, seen;
	long long last_us;		/* monotonic, of the last packet */
	pthread_t thread;
};

static struct member members[MAX_THREADS];
static int nmembers;
static pthread_barrier_t activated;
static atomic_int deadline_hit;

static long long mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
		      const u_char *data)
{
	struct member *m = (struct member *)user;
	static const char digits[] = "0123456789abcdef";
	char *line;

	m->seen++;
	m->last_us = mono_us();
	fprintf(m->out, "pkt %u %u %lld.%0*ld ", h->caplen, h->len,
		(long long)h->ts.tv_sec, m->o->nano ? 9 : 6, (long)h->ts.tv_usec);
	line = malloc(2 * (size_t)h->caplen + 1);
	if (line != NULL) {
		for (u_int i = 0; i < h->caplen; i++) {
			line[2 * i] = digits[data[i] >> 4];
			line[2 * i + 1] = digits[data[i] & 15];
		}
		line[2 * h->caplen] = '\0';
		fputs(line, m->out);
		free(line);
	}
	fputc('\n', m->out);
	if (h->caplen >= 8 && memcmp(data + h->caplen - 8, END_MARKER, 4) == 0)
		m->end_seen = 1;
}

/* pcap_create .. pcap_activate; the status in m->status. */
static void open_member(struct member *m)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	const struct options *o = m->o;

	m->status = PCAP_ERROR;
	m->handle = pcap_create(m->device, errbuf);
	fprintf(m->out, "create = %s [%s]\n", m->handle ? "ok" : "NULL", errbuf);
	if (m->handle == NULL)
		return;
	if (o->snaplen >= 0)
		fprintf(m->out, "set_snaplen = %d\n",
			pcap_set_snaplen(m->handle, o->snaplen));
	if (o->promisc)
		fprintf(m->out, "set_promisc = %d\n",
			pcap_set_promisc(m->handle, 1));
	fprintf(m->out, "set_timeout = %d\n",
		pcap_set_timeout(m->handle, o->timeout));
	if (o->nano)
		fprintf(m->out, "set_tstamp_precision = %d\n",
			pcap_set_tstamp_precision(m->handle,
						  PCAP_TSTAMP_PRECISION_NANO));
	m->status = pcap_activate(m->handle);
	fprintf(m->out, "activate = %d [%s]\n", m->status,
		m->status != 0 ? pcap_geterr(m->handle) : "");
	if (m->status < 0)
		return;
	fprintf(m->out, "datalink = %d %s\n", pcap_datalink(m->handle),
		pcap_datalink_val_to_name(pcap_datalink(m->handle)));
	fprintf(m->out, "snapshot = %d\n", pcap_snapshot(m->handle));
	fprintf(m->out, "tstamp_precision = %d\n",
		pcap_get_tstamp_precision(m->handle));
}

/*
 * Nonblocking reads after poll() on the selectable fd: a blocking
 * pcap_dispatch() on an idle TPACKET_V3 ring may never return (libpcap
 * polls without a timeout; the kernel retires no empty block).
 */
static const char *read_member(struct member *m)
{
	const struct options *o = m->o;
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	long long go_since = 0;
	struct pollfd pfd = { .events = POLLIN };

	if (pcap_setnonblock(m->handle, 1, errbuf) < 0) {
		fprintf(m->out, "setnonblock = -1 [%s]\n", errbuf);
		return "error";
	}
	pfd.fd = pcap_get_selectable_fd(m->handle);
	m->last_us = mono_us();
	for (;;) {
		int r;

		if (poll(&pfd, 1, 20) < 0 && errno != EINTR) {
			fprintf(m->out, "poll = -1 [%s]\n", strerror(errno));
			return "error";
		}
		r = pcap_dispatch(m->handle, -1, on_packet, (u_char *)m);
		if (r == PCAP_ERROR_BREAK || deadline_hit)
			return "deadline";
		if (r < 0) {
			fprintf(m->out, "dispatch = %d [%s]\n", r,
				pcap_geterr(m->handle));
			return "error";
		}
		if (o->end && m->end_seen)
			return "marker";
		if (o->go_file != NULL) {
			if (go_since == 0 && access(o->go_file, F_OK) == 0)
				go_since = mono_us();
			if (go_since != 0 &&
			    mono_us() - go_since > QUIET_MS * 1000LL &&
			    mono_us() - m->last_us > QUIET_MS * 1000LL)
				return "stopped";
		}
	}
}

static void *member_thread(void *arg)
{
	struct member *m = arg;
	struct pcap_stat st;
	const char *why;
	int r;

	open_member(m);
	fflush(m->out);
	pthread_barrier_wait(&activated);
	if (m->status < 0)
		return NULL;
	why = read_member(m);
	fprintf(m->out, "end = %s\n", why);
	r = pcap_stats(m->handle, &st);
	if (r == 0)
		fprintf(m->out, "stats = 0 recv %u drop %u ifdrop %u\n",
			st.ps_recv, st.ps_drop, st.ps_ifdrop);
	else
		fprintf(m->out, "stats = %d [%s]\n", r, pcap_geterr(m->handle));
	fflush(m->out);
	return NULL;
}

/* The watchdog: breaks every loop at the deadline unless told to stop. */
static pthread_mutex_t dog_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t dog_cond = PTHREAD_COND_INITIALIZER;
static int dog_stop;

static void *watchdog(void *arg)
{
	const struct options *o = arg;
	struct timespec until;
	int fire = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += o->deadline / 1000;
	until.tv_nsec += (long)(o->deadline % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_nsec -= 1000000000;
		until.tv_sec++;
	}
	pthread_mutex_lock(&dog_lock);
	while (!dog_stop)
		if (pthread_cond_timedwait(&dog_cond, &dog_lock, &until) ==
		    ETIMEDOUT) {
			fire = 1;
			break;
		}
	if (fire) {
		deadline_hit = 1;
		for (int i = 0; i < nmembers; i++)
			if (members[i].handle != NULL && members[i].status >= 0)
				pcap_breakloop(members[i].handle);
	}
	pthread_mutex_unlock(&dog_lock);
	return NULL;
}

static void usage(void)
{
	fprintf(stderr, "usage: probe-threads [-o DIR] [-s SNAPLEN] [-p] "
		"[-t TIMEOUT_MS] [-n] [-e] [-g FILE] [-d DEADLINE_MS] "
		"DEVICE...\n");
	exit(64);
}

int main(int argc, char **argv)
{
	struct options o = { .dir = ".", .snaplen = -1, .timeout = 100,
			     .deadline = 5000 };
	pthread_t dog;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "o:s:pt:neg:d:")) != -1) {
		switch (opt) {
		case 'o': o.dir = optarg; break;
		case 's': o.snaplen = atoi(optarg); break;
		case 'p': o.promisc = 1; break;
		case 't': o.timeout = atoi(optarg); break;
		case 'n': o.nano = 1; break;
		case 'e': o.end = 1; break;
		case 'g': o.go_file = optarg; break;
		case 'd': o.deadline = atoi(optarg); break;
		default: usage();
		}
	}
	nmembers = argc - optind;
	if (nmembers < 1 || nmembers > MAX_THREADS)
		usage();
	printf("# lib %s\n", pcap_lib_version());
	pthread_barrier_init(&activated, NULL, (unsigned)nmembers + 1);
	for (int i = 0; i < nmembers; i++) {
		struct member *m = &members[i];
		char path[4096];

		m->n = i + 1;
		m->device = argv[optind + i];
		m->o = &o;
		snprintf(path, sizeof path, "%s/T%d.out", o.dir, m->n);
		m->out = fopen(path, "w");
		if (m->out == NULL) {
			perror(path);
			return 1;
		}
		fprintf(m->out, "# lib %s\n", pcap_lib_version());
		fprintf(m->out, "device = %s\n", m->device);
	}
	for (int i = 0; i < nmembers; i++)
		pthread_create(&members[i].thread, NULL, member_thread,
			       &members[i]);
	pthread_barrier_wait(&activated);
	/* The handles are set: the deadline runs from here. */
	pthread_create(&dog, NULL, watchdog, &o);
	for (int i = 0; i < nmembers; i++)
		printf("thread %d activate = %d\n", i + 1, members[i].status);
	printf("ready\n");
	for (int i = 0; i < nmembers; i++)
		pthread_join(members[i].thread, NULL);
	pthread_mutex_lock(&dog_lock);
	dog_stop = 1;
	pthread_cond_broadcast(&dog_cond);
	pthread_mutex_unlock(&dog_lock);
	pthread_join(dog, NULL);
	for (int i = 0; i < nmembers; i++) {
		if (members[i].handle != NULL)
			pcap_close(members[i].handle);
		fclose(members[i].out);
	}
	printf("done\n");
	return 0;
}
