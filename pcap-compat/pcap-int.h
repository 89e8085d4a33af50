/*
 * pcap-int.h: the handle behind every pcap_t, and the ops table of the one
 * source each handle owns.  Everything in the library includes this; the
 * public types come from the system's <pcap/pcap.h> so the ABI is libpcap's.
 */
#ifndef ACCEL_PCAP_INT_H
#define ACCEL_PCAP_INT_H

#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "filter-jit/filter.h"
#include "pcap-compat/errbuf.h"

/* Only the names of the version script leave the library. */
#define PCAP_EXPORT __attribute__((visibility("default")))

/*
 * Internal status a source's read op may return besides libpcap's codes
 * (n > 0 packets, 0 nothing yet, PCAP_ERROR, PCAP_ERROR_BREAK): the end of
 * a savefile.  The common loop maps it onto each API's convention.
 */
#define SOURCE_EOF (-100)

struct source_ops {
	const char *name;
	/*
	 * The packet bytes handed to the callback are only valid during the
	 * call (a ring slot released afterwards): pcap_next and pcap_next_ex
	 * then copy them into the handle.
	 */
	bool transient_data;
	/* Live sources: open rings, attach programs.  Returns a pcap status. */
	int (*activate)(pcap_t *);
	/*
	 * Deliver up to max packets (max <= 0: as many as one batch holds,
	 * or the whole file) through pcap_deliver().  Returns packets
	 * delivered, 0, SOURCE_EOF, PCAP_ERROR or PCAP_ERROR_BREAK.
	 */
	int (*read)(pcap_t *, int max, pcap_handler, u_char *user);
	int (*inject)(pcap_t *, const void *, size_t);
	/*
	 * Put the program where it runs best (kernel).  NULL, or a return
	 * of 1, means "run it in user space": the common loop does.
	 */
	int (*set_filter)(pcap_t *, const struct bpf_program *);
	/*
	 * A program was just compiled on this handle: get it ready for
	 * set_filter now.  Tools such as tcpdump compile, then drop their
	 * privileges, then set the filter; loading a kernel program needs
	 * them.  Failure is silent: set_filter then tries again.
	 */
	void (*prepare_filter)(pcap_t *, const struct bpf_program *);
	int (*set_direction)(pcap_t *, pcap_direction_t);
	int (*set_datalink)(pcap_t *, int dlt);
	int (*get_nonblock)(pcap_t *);
	int (*set_nonblock)(pcap_t *, int nonblock);
	int (*stats)(pcap_t *, struct pcap_stat *);
	int (*can_set_rfmon)(pcap_t *);
	/* Wake a reader blocked in the kernel (breakloop from elsewhere). */
	void (*wake)(pcap_t *);
	/* Release everything the source holds; the handle is freed after. */
	void (*close)(pcap_t *);
};

/* Settings made between pcap_create() and pcap_activate(). */
struct pcap_opts {
	char *device;
	int timeout_ms;
	int buffer_size;
	int promisc;
	int rfmon;
	int immediate;
	int nonblock;
	int tstamp_type;	/* -1: not set */
	int tstamp_precision;
	int protocol;		/* pcap_set_protocol_linux */
};

struct pcap {
	const struct source_ops *ops;
	void *priv;			/* the source's own state */

	bool activated;
	atomic_int break_loop;

	int linktype;
	int linktype_ext;		/* FCS length etc. from savefile headers */
	int snapshot;
	int bufsize;
	int *dlt_list;			/* pcap_list_datalinks(); NULL: just linktype */
	int dlt_count;
	int *tstamp_type_list;		/* NULL: PCAP_TSTAMP_HOST only */
	int tstamp_type_count;
	int *tstamp_precision_list;	/* NULL: microseconds only */
	int tstamp_precision_count;
	struct pcap_opts opt;
	pcap_direction_t direction;

	int fd;				/* pcap_fileno() */
	int selectable_fd;		/* pcap_get_selectable_fd() */
	const struct timeval *required_select_timeout;

	/* Savefiles: what pcap_file(), pcap_is_swapped() and the versions report. */
	FILE *rfile;
	int swapped;
	int version_major;
	int version_minor;

	struct user_filter filter;	/* runs when the source could not */
	/* Filters for this handle read VLAN tags from Linux metadata. */
	bool bpf_vlan_ext;

	struct pcap_pkthdr next_ex_hdr;	/* what pcap_next_ex() points at */
	u_char *oneshot_buf;		/* copies for transient_data sources */
	size_t oneshot_size;

	char errbuf[PCAP_ERRBUF_SIZE + 1];
};

/* handle.c */
pcap_t *pcap_handle_alloc(char *errbuf, const struct source_ops *ops,
			  size_t priv_size);
void pcap_handle_free(pcap_t *p);

/* errors.c (errbuf.h: pcap_errf, pcap_errnof) */
bool pcap_utf8_mode(void);
bool pcap_init_called(void);	/* pcap_lookupdev refuses after it */

/*
 * The one place a packet reaches the user's callback: the user-space
 * filter (when the source could not run it) and the call.  Returns 1 if
 * the packet was delivered, 0 if the filter rejected it.
 */
static inline int pcap_deliver(pcap_t *p, const struct pcap_pkthdr *h,
			       const u_char *data, pcap_handler cb,
			       u_char *user)
{
	if (!user_filter_accepts(&p->filter, data, h->len, h->caplen))
		return 0;
	cb(user, h, data);
	return 1;
}

/* Consume a pending breakloop: true (and cleared) if one was requested. */
static inline bool pcap_take_break(pcap_t *p)
{
	if (atomic_load_explicit(&p->break_loop, memory_order_relaxed) == 0)
		return false;
	atomic_store_explicit(&p->break_loop, 0, memory_order_relaxed);
	return true;
}

static inline bool pcap_break_pending(pcap_t *p)
{
	return atomic_load_explicit(&p->break_loop, memory_order_relaxed) != 0;
}

#endif
