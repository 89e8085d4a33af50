/*
 * probe-live.c: drives a live capture through the public API and prints
 * every return code, message and packet, so the integration scripts can
 * run it on the system libpcap and on ours and compare.
 *
 *   probe-live capture [options] DEVICE
 *   probe-live read FILE            savefile, nanosecond time stamps
 *   probe-live inject DEVICE HEX... pcap_inject / pcap_sendpacket
 *   probe-live errors CASE DEVICE   activate, twice, after, rfmon,
 *                                   tstamp, open-live
 *
 * capture options:
 *   -s SNAPLEN -p (promisc) -t TIMEOUT_MS (default 100) -b BUFFER_BYTES
 *   -i (immediate) -n (nanosecond precision) -T TSTAMP_TYPE_NAME
 *   -P PROTOCOL (pcap_set_protocol_linux) -o (pcap_open_live instead)
 *   -D in|out|inout  -L DLT_NAME  -f FILTER (set before "ready")
 *   -O: compile filters without the optimizer
 *   -g FILE: after "ready", wait for FILE to exist before reading
 *   -F FILTER: set after that wait (the ring already holds packets)
 *   -c COUNT  -e (stop after the frame marked "ACLE" by send-frames)
 *   -I IDLE_MS: nonblocking reads until nothing came for IDLE_MS
 *   -N: nonblocking mode, reading after poll() on the selectable fd
 *   -x: read with pcap_next_ex instead of pcap_dispatch
 *   -B thread:MS|signal:MS: pcap_loop(-1) broken by pcap_breakloop from
 *       another thread or a SIGALRM handler after MS
 *   -d DEADLINE_MS (default 4000): a watchdog breaks the loop then
 *   -l: print "# lat US" (callback time minus time stamp) per packet and
 *       "# dispatch N" per pcap_dispatch that returned packets
 *
 * Packets print as "pkt CAPLEN LEN SEC.FRAC HEX".  Lines starting with
 * "#" (timings, the library's version) differ between runs and libraries
 * and are not compared.
 * "ready" is printed once the handle is active and set up.
 */
#include <pcap/pcap.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#define END_MARKER "ACLE"

struct options {
	int snaplen, promisc, timeout, buffer, immediate, nano, protocol;
	int open_live, count, end, idle, nonblock, deadline, next_ex;
	int no_optimize;
	const char *tstamp_type, *direction, *dlt, *filter, *late_filter;
	const char *go_file, *breaker;
};

static pcap_t *handle;
static int seen, end_seen, nano;
static int show_latency;
static atomic_int deadline_hit;		/* set by the watchdog thread */

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

#define MAX_PRINTED 262144	/* libpcap's largest snapshot */

static void print_hex(const u_char *b, u_int n)
{
	static const char digits[] = "0123456789abcdef";
	static char line[2 * MAX_PRINTED + 1];
	u_int i;

	if (n > MAX_PRINTED)
		n = MAX_PRINTED;
	for (i = 0; i < n; i++) {
		line[2 * i] = digits[b[i] >> 4];
		line[2 * i + 1] = digits[b[i] & 15];
	}
	line[2 * i] = '\0';
	fputs(line, stdout);
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
		      const u_char *data)
{
	long long ts_us;

	(void)user;
	seen++;
	printf("pkt %u %u %lld.%0*ld ", h->caplen, h->len,
	       (long long)h->ts.tv_sec, nano ? 9 : 6, (long)h->ts.tv_usec);
	print_hex(data, h->caplen);
	putchar('\n');
	if (show_latency) {
		ts_us = (long long)h->ts.tv_sec * 1000000 +
			(nano ? h->ts.tv_usec / 1000 : h->ts.tv_usec);
		printf("# lat %lld\n", now_us() - ts_us);
	}
	if (h->caplen >= 8 &&
	    memcmp(data + h->caplen - 8, END_MARKER, 4) == 0)
		end_seen = 1;
}

/* The watchdog: breaks the loop at the deadline unless stopped first. */
static pthread_mutex_t dog_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t dog_cond = PTHREAD_COND_INITIALIZER;
static int dog_stop;

static void add_ms(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_nsec -= 1000000000;
		ts->tv_sec++;
	}
}

struct timer_arg {
	int ms;
	int is_deadline;
};

/* Sleeps ms (or until told to stop), then breaks the loop. */
static void *timer_thread(void *arg)
{
	const struct timer_arg *t = arg;
	struct timespec until;
	int fire = 0;

	add_ms(&until, t->ms);
	pthread_mutex_lock(&dog_lock);
	while (!dog_stop) {
		if (pthread_cond_timedwait(&dog_cond, &dog_lock, &until) ==
		    ETIMEDOUT) {
			fire = 1;
			break;
		}
	}
	if (fire) {
		if (t->is_deadline)
			deadline_hit = 1;
		pcap_breakloop(handle);
	}
	pthread_mutex_unlock(&dog_lock);
	return NULL;
}

static void stop_timers(pthread_t *threads, int n)
{
	pthread_mutex_lock(&dog_lock);
	dog_stop = 1;
	pthread_cond_broadcast(&dog_cond);
	pthread_mutex_unlock(&dog_lock);
	for (int i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
}

static void on_alarm(int sig)
{
	(void)sig;
	pcap_breakloop(handle);
}

static int set_filter(const char *what, const char *expr, int optimize)
{
	struct bpf_program prog;
	int r;

	r = pcap_compile(handle, &prog, expr, optimize, PCAP_NETMASK_UNKNOWN);
	if (r < 0) {
		printf("%s compile = %d [%s]\n", what, r, pcap_geterr(handle));
		return r;
	}
	r = pcap_setfilter(handle, &prog);
	printf("%s = %d [%s]\n", what, r, r < 0 ? pcap_geterr(handle) : "");
	pcap_freecode(&prog);
	return r;
}

static void wait_for_file(const char *path, int deadline_ms)
{
	long long until = mono_us() + (long long)deadline_ms * 1000;
	struct timespec pause = { 0, 5 * 1000000 };

	while (access(path, F_OK) != 0) {
		if (mono_us() > until) {
			printf("go = timed out\n");
			return;
		}
		nanosleep(&pause, NULL);
	}
}

static int done(const struct options *o)
{
	return (o->count > 0 && seen >= o->count) || (o->end && end_seen);
}

/* Blocking reads, pcap_next_ex after pcap_next_ex. */
static const char *read_next_ex(const struct options *o)
{
	struct pcap_pkthdr *h;
	const u_char *data;

	while (!done(o)) {
		int r = pcap_next_ex(handle, &h, &data);

		if (r == 1)
			on_packet(NULL, h, data);
		else if (r == PCAP_ERROR_BREAK)
			return deadline_hit ? "deadline" : "break";
		else if (r < 0) {
			printf("next_ex = %d [%s]\n", r, pcap_geterr(handle));
			return "error";
		}
		/* 0 is a timeout, allowed; but the deadline must end it. */
		if (deadline_hit)
			return "deadline, but no PCAP_ERROR_BREAK";
	}
	return o->count > 0 && seen >= o->count ? "count" : "marker";
}

/* Blocking reads, pcap_dispatch after pcap_dispatch. */
static const char *read_blocking(const struct options *o)
{
	if (o->next_ex)
		return read_next_ex(o);
	while (!done(o)) {
		int r = pcap_dispatch(handle, o->count > 0 ? o->count - seen : -1,
				      on_packet, NULL);

		if (show_latency && r > 0)
			printf("# dispatch %d\n", r);
		if (r == PCAP_ERROR_BREAK)
			return deadline_hit ? "deadline" : "break";
		if (r < 0) {
			printf("dispatch = %d [%s]\n", r, pcap_geterr(handle));
			return "error";
		}
		if (deadline_hit)
			return "deadline, but no PCAP_ERROR_BREAK";
	}
	return o->count > 0 && seen >= o->count ? "count" : "marker";
}

/* Nonblocking reads: poll the selectable fd, then dispatch. */
static const char *read_nonblocking(const struct options *o)
{
	long long until = mono_us() + (long long)o->deadline * 1000;
	long long last = mono_us();
	int fd = pcap_get_selectable_fd(handle), polled_in = 0;

	while (!done(o)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int r, wait_ms = o->idle > 0 ? 10 : (int)((until - mono_us()) / 1000);

		if (mono_us() > until)
			return "deadline";
		if (o->idle > 0 && mono_us() - last > (long long)o->idle * 1000)
			return "idle";
		if (wait_ms < 0)
			wait_ms = 0;
		r = poll(&pfd, 1, wait_ms);
		if (r < 0 && errno != EINTR) {
			printf("poll = %d [%s]\n", r, strerror(errno));
			return "error";
		}
		if (r > 0 && (pfd.revents & POLLIN))
			polled_in = 1;
		r = pcap_dispatch(handle, o->count > 0 ? o->count - seen : -1,
				  on_packet, NULL);
		if (show_latency && r > 0)
			printf("# dispatch %d\n", r);
		if (r == PCAP_ERROR_BREAK && deadline_hit)
			return "deadline";
		if (r < 0) {
			printf("dispatch = %d [%s]\n", r, pcap_geterr(handle));
			return "error";
		}
		if (r > 0)
			last = mono_us();
	}
	if (!o->idle)
		printf("poll saw POLLIN = %d\n", polled_in);
	return o->count > 0 && seen >= o->count ? "count" : "marker";
}

/* pcap_loop(-1) until pcap_breakloop from a thread or a signal handler. */
static void read_until_break(const char *how)
{
	struct timer_arg arg = { atoi(strchr(how, ':') + 1), 0 };
	pthread_t t;
	long long start;
	int r;

	start = mono_us();
	if (strncmp(how, "signal:", 7) == 0) {
		struct sigaction sa;
		struct itimerval it = { { 0, 0 }, { arg.ms / 1000,
						    (arg.ms % 1000) * 1000 } };

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_alarm;	/* no SA_RESTART */
		sigaction(SIGALRM, &sa, NULL);
		setitimer(ITIMER_REAL, &it, NULL);
		r = pcap_loop(handle, -1, on_packet, NULL);
	} else {
		pthread_create(&t, NULL, timer_thread, &arg);
		r = pcap_loop(handle, -1, on_packet, NULL);
		pthread_join(t, NULL);
	}
	printf("loop = %d [%s]\n", r, r == -1 ? pcap_geterr(handle) : "");
	printf("# elapsed %lld\n", (mono_us() - start) / 1000);
	/* The flag is cleared: the next read runs normally. */
	if (r == PCAP_ERROR_BREAK) {
		pcap_setnonblock(handle, 1, (char[PCAP_ERRBUF_SIZE]){ 0 });
		r = pcap_dispatch(handle, -1, on_packet, NULL);
		printf("dispatch after break = %d\n", r);
	}
}

static int open_handle(const struct options *o, const char *dev)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	int r;

	if (o->open_live) {
		handle = pcap_open_live(dev, o->snaplen < 0 ? 262144 : o->snaplen,
					o->promisc,
					o->timeout, errbuf);
		printf("open_live = %s [%s]\n", handle ? "ok" : "NULL", errbuf);
		return handle ? 0 : -1;
	}
	handle = pcap_create(dev, errbuf);
	if (handle == NULL) {
		printf("create = NULL [%s]\n", errbuf);
		return -1;
	}
	if (o->snaplen >= 0)
		printf("set_snaplen = %d\n", pcap_set_snaplen(handle, o->snaplen));
	if (o->promisc)
		printf("set_promisc = %d\n", pcap_set_promisc(handle, 1));
	printf("set_timeout = %d\n", pcap_set_timeout(handle, o->timeout));
	if (o->buffer > 0)
		printf("set_buffer_size = %d\n",
		       pcap_set_buffer_size(handle, o->buffer));
	if (o->immediate)
		printf("set_immediate_mode = %d\n",
		       pcap_set_immediate_mode(handle, 1));
	if (o->nano)
		printf("set_tstamp_precision = %d\n",
		       pcap_set_tstamp_precision(handle,
						 PCAP_TSTAMP_PRECISION_NANO));
	if (o->tstamp_type)
		printf("set_tstamp_type = %d\n",
		       pcap_set_tstamp_type(handle,
			       pcap_tstamp_type_name_to_val(o->tstamp_type)));
	if (o->protocol >= 0)
		printf("set_protocol_linux = %d\n",
		       pcap_set_protocol_linux(handle, o->protocol));
	r = pcap_activate(handle);
	printf("activate = %d [%s]\n", r, r != 0 ? pcap_geterr(handle) : "");
	return r < 0 ? -1 : 0;
}

static int capture(const struct options *o, const char *dev)
{
	pthread_t dog;
	struct timer_arg dog_arg = { o->deadline, 1 };
	const char *why;
	struct pcap_stat st;
	int r;

	printf("# lib %s\n", pcap_lib_version());
	nano = o->nano;
	if (open_handle(o, dev) < 0)
		return 1;
	nano = pcap_get_tstamp_precision(handle) == PCAP_TSTAMP_PRECISION_NANO;
	if (o->dlt) {
		r = pcap_set_datalink(handle, pcap_datalink_name_to_val(o->dlt));
		printf("set_datalink = %d [%s]\n", r,
		       r < 0 ? pcap_geterr(handle) : "");
	}
	printf("datalink = %d %s\n", pcap_datalink(handle),
	       pcap_datalink_val_to_name(pcap_datalink(handle)));
	printf("snapshot = %d\n", pcap_snapshot(handle));
	if (o->direction) {
		pcap_direction_t d = strcmp(o->direction, "in") == 0 ? PCAP_D_IN :
				     strcmp(o->direction, "out") == 0 ? PCAP_D_OUT :
				     PCAP_D_INOUT;

		r = pcap_setdirection(handle, d);
		printf("setdirection = %d [%s]\n", r,
		       r < 0 ? pcap_geterr(handle) : "");
	}
	if (o->filter && set_filter("setfilter", o->filter, !o->no_optimize) < 0)
		return 1;
	if (o->nonblock || o->idle) {
		char errbuf[PCAP_ERRBUF_SIZE] = "";
		long long t0;

		r = pcap_setnonblock(handle, 1, errbuf);
		printf("setnonblock = %d [%s]\n", r, errbuf);
		printf("getnonblock = %d\n", pcap_getnonblock(handle, errbuf));
		printf("selectable_fd = %s\n",
		       pcap_get_selectable_fd(handle) >= 0 ? "ok" : "none");
		printf("required_select_timeout = %s\n",
		       pcap_get_required_select_timeout(handle) ? "set" : "NULL");
		if (o->nonblock) {
			t0 = mono_us();
			r = pcap_dispatch(handle, -1, on_packet, NULL);
			printf("dispatch when empty = %d\n", r);
			printf("# elapsed_us %lld\n", mono_us() - t0);
		}
	}
	printf("ready\n");

	pthread_create(&dog, NULL, timer_thread, &dog_arg);
	if (o->breaker) {
		read_until_break(o->breaker);
		why = deadline_hit ? "deadline" : "break";
	} else {
		if (o->go_file)
			wait_for_file(o->go_file, o->deadline);
		if (o->late_filter)
			set_filter("late setfilter", o->late_filter,
				   !o->no_optimize);
		why = o->nonblock || o->idle ? read_nonblocking(o) : read_blocking(o);
	}
	stop_timers(&dog, 1);
	printf("end = %s\n", why);
	r = pcap_stats(handle, &st);
	if (r == 0)
		printf("stats = 0 recv %u drop %u ifdrop %u\n", st.ps_recv,
		       st.ps_drop, st.ps_ifdrop);
	else
		printf("stats = %d [%s]\n", r, pcap_geterr(handle));
	pcap_close(handle);
	return 0;
}

static int read_file(const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	int r;

	nano = 1;
	handle = pcap_open_offline_with_tstamp_precision(path,
			PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (handle == NULL) {
		printf("open_offline = NULL [%s]\n", errbuf);
		return 1;
	}
	printf("datalink = %d %s\n", pcap_datalink(handle),
	       pcap_datalink_val_to_name(pcap_datalink(handle)));
	r = pcap_loop(handle, -1, on_packet, NULL);
	printf("loop = %d\n", r);
	pcap_close(handle);
	return 0;
}

static int hexval(int c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

static int inject(const char *dev, int n, char **hex)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	u_char frame[65536];

	printf("# lib %s\n", pcap_lib_version());
	handle = pcap_open_live(dev, 0, 0, 100, errbuf);
	if (handle == NULL) {
		printf("open_live = NULL [%s]\n", errbuf);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		size_t len = strlen(hex[i]) / 2;
		int r;

		for (size_t j = 0; j < len && j < sizeof frame; j++)
			frame[j] = (u_char)(hexval(hex[i][2 * j]) << 4 |
					    hexval(hex[i][2 * j + 1]));
		/* Both calls, alternately: they share the source's inject. */
		if (i % 2 == 0) {
			r = pcap_inject(handle, frame, len);
			printf("inject = %d [%s]\n", r,
			       r < 0 ? pcap_geterr(handle) : "");
		} else {
			r = pcap_sendpacket(handle, frame, (int)len);
			printf("sendpacket = %d [%s]\n", r,
			       r < 0 ? pcap_geterr(handle) : "");
		}
	}
	pcap_close(handle);
	return 0;
}

/* Status, message and the name libpcap gives the status. */
static void show_status(const char *what, pcap_t *p, int r)
{
	printf("%s = %d (%s) [%s]\n", what, r, r ? pcap_statustostr(r) : "ok",
	       r ? pcap_geterr(p) : "");
}

static void show_list(const char *what, int n, const int *list,
		      const char *(*name)(int))
{
	printf("%s = %d [", what, n);
	for (int i = 0; i < n && list != NULL; i++) {
		const char *s = name(list[i]);

		printf(" %d:%s", list[i], s ? s : "?");
	}
	printf(" ]\n");
}

/* Every setter on an activated handle, and the getters that answer. */
static void show_after_activation(pcap_t *p)
{
	int *list = NULL, n;

	printf("set_snaplen = %d\n", pcap_set_snaplen(p, 100));
	printf("set_promisc = %d\n", pcap_set_promisc(p, 1));
	printf("set_rfmon = %d\n", pcap_set_rfmon(p, 1));
	printf("set_timeout = %d\n", pcap_set_timeout(p, 5));
	printf("set_tstamp_type = %d\n",
	       pcap_set_tstamp_type(p, PCAP_TSTAMP_HOST));
	printf("set_immediate_mode = %d\n", pcap_set_immediate_mode(p, 1));
	printf("set_buffer_size = %d\n", pcap_set_buffer_size(p, 100000));
	printf("set_tstamp_precision = %d\n",
	       pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO));
	printf("set_protocol_linux = %d\n", pcap_set_protocol_linux(p, 3));
	printf("message = [%s]\n", pcap_geterr(p));
	printf("can_set_rfmon = %d [%s]\n", pcap_can_set_rfmon(p),
	       pcap_geterr(p));
	printf("snapshot = %d\n", pcap_snapshot(p));
	printf("datalink = %d\n", pcap_datalink(p));
	printf("datalink_ext = %d\n", pcap_datalink_ext(p));
	printf("tstamp_precision = %d\n", pcap_get_tstamp_precision(p));
	printf("fileno = %s\n", pcap_fileno(p) >= 0 ? "ok" : "none");
	printf("selectable_fd = %s\n",
	       pcap_get_selectable_fd(p) >= 0 ? "ok" : "none");
	printf("required_select_timeout = %s\n",
	       pcap_get_required_select_timeout(p) ? "set" : "NULL");
	printf("file = %s\n", pcap_file(p) ? "FILE" : "NULL");
	printf("is_swapped = %d [%s]\n", pcap_is_swapped(p), pcap_geterr(p));
	printf("major = %d minor = %d\n", pcap_major_version(p),
	       pcap_minor_version(p));
	n = pcap_list_datalinks(p, &list);
	show_list("list_datalinks", n, n > 0 ? list : NULL,
		  pcap_datalink_val_to_name);
	if (n > 0)
		pcap_free_datalinks(list);
	n = pcap_list_tstamp_types(p, &list);
	show_list("list_tstamp_types", n, n > 0 ? list : NULL,
		  pcap_tstamp_type_val_to_name);
	if (n > 0)
		pcap_free_tstamp_types(list);
	for (int d = 1; d <= 3; d++)
		printf("setdirection(%d) = %d\n", d,
		       pcap_setdirection(p, (pcap_direction_t)d));
	printf("set_datalink(EN10MB) = %d\n", pcap_set_datalink(p, DLT_EN10MB));
	n = pcap_set_datalink(p, DLT_IEEE802_11);
	printf("set_datalink(IEEE802_11) = %d [%s]\n", n,
	       n < 0 ? pcap_geterr(p) : "");
	printf("getnonblock = %d\n", pcap_getnonblock(p, NULL));
}

static int errors(const char *which, const char *dev)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p;
	int r, *list = NULL;

	if (strcmp(which, "open-live") == 0) {
		for (int promisc = 0; promisc <= 1; promisc++) {
			errbuf[0] = '\0';
			p = pcap_open_live(dev, 96, promisc, 100, errbuf);
			printf("open_live(promisc %d) = %s [%s]\n", promisc,
			       p ? "ok" : "NULL", errbuf);
			if (p)
				pcap_close(p);
		}
		return 0;
	}
	p = pcap_create(dev, errbuf);
	printf("create = %s [%s]\n", p ? "ok" : "NULL", errbuf);
	if (p == NULL)
		return 1;
	if (strcmp(which, "activate") == 0) {
		show_status("activate", p, pcap_activate(p));
	} else if (strcmp(which, "twice") == 0) {
		show_status("activate", p, pcap_activate(p));
		show_status("activate again", p, pcap_activate(p));
	} else if (strcmp(which, "after") == 0) {
		show_status("activate", p, pcap_activate(p));
		show_after_activation(p);
	} else if (strcmp(which, "rfmon") == 0) {
		r = pcap_can_set_rfmon(p);
		printf("can_set_rfmon = %d [%s]\n", r, r < 0 ? pcap_geterr(p) : "");
		printf("set_rfmon = %d\n", pcap_set_rfmon(p, 1));
		show_status("activate", p, pcap_activate(p));
	} else if (strcmp(which, "tstamp") == 0) {
		r = pcap_list_tstamp_types(p, &list);
		show_list("list_tstamp_types", r, r > 0 ? list : NULL,
			  pcap_tstamp_type_val_to_name);
		if (r > 0)
			pcap_free_tstamp_types(list);
		pcap_close(p);
		for (int t = -1; t <= 6; t++) {
			p = pcap_create(dev, errbuf);
			if (p == NULL)
				return 1;
			r = pcap_set_tstamp_type(p, t);
			printf("set_tstamp_type(%d %s) = %d (%s)\n", t,
			       pcap_tstamp_type_val_to_name(t) ?
			       pcap_tstamp_type_val_to_name(t) : "?", r,
			       pcap_statustostr(r));
			show_status("  activate", p, pcap_activate(p));
			pcap_close(p);
		}
		for (int prec = -1; prec <= 2; prec++) {
			p = pcap_create(dev, errbuf);
			if (p == NULL)
				return 1;
			r = pcap_set_tstamp_precision(p, prec);
			printf("set_tstamp_precision(%d) = %d\n", prec, r);
			show_status("  activate", p, pcap_activate(p));
			printf("  get_tstamp_precision = %d\n",
			       pcap_get_tstamp_precision(p));
			pcap_close(p);
		}
		return 0;
	} else {
		fprintf(stderr, "probe-live: unknown errors case %s\n", which);
		return 64;
	}
	pcap_close(p);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: see the comment at the top of probe-live.c\n");
	exit(64);
}

int main(int argc, char **argv)
{
	struct options o = { .snaplen = -1, .timeout = 100, .protocol = -1,
			     .deadline = 4000 };
	const char *mode;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3)
		usage();
	mode = argv[1];
	if (strcmp(mode, "read") == 0)
		return read_file(argv[2]);
	if (strcmp(mode, "inject") == 0)
		return inject(argv[2], argc - 3, argv + 3);
	if (strcmp(mode, "errors") == 0) {
		if (argc != 4)
			usage();
		printf("# lib %s\n", pcap_lib_version());
		return errors(argv[2], argv[3]);
	}
	if (strcmp(mode, "capture") != 0)
		usage();
	optind = 2;
	while ((opt = getopt(argc, argv, "s:pt:b:inT:P:oD:L:f:Og:F:c:eI:NB:d:lx")) != -1) {
		switch (opt) {
		case 's': o.snaplen = atoi(optarg); break;
		case 'p': o.promisc = 1; break;
		case 't': o.timeout = atoi(optarg); break;
		case 'b': o.buffer = atoi(optarg); break;
		case 'i': o.immediate = 1; break;
		case 'n': o.nano = 1; break;
		case 'T': o.tstamp_type = optarg; break;
		case 'P': o.protocol = atoi(optarg); break;
		case 'o': o.open_live = 1; break;
		case 'D': o.direction = optarg; break;
		case 'L': o.dlt = optarg; break;
		case 'f': o.filter = optarg; break;
		case 'g': o.go_file = optarg; break;
		case 'F': o.late_filter = optarg; break;
		case 'c': o.count = atoi(optarg); break;
		case 'e': o.end = 1; break;
		case 'I': o.idle = atoi(optarg); break;
		case 'N': o.nonblock = 1; break;
		case 'B': o.breaker = optarg; break;
		case 'd': o.deadline = atoi(optarg); break;
		case 'l': show_latency = 1; break;
		case 'x': o.next_ex = 1; break;
		case 'O': o.no_optimize = 1; break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	if (o.breaker && strchr(o.breaker, ':') == NULL)
		usage();
	return capture(&o, argv[optind]);
}
