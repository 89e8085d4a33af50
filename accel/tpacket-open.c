/*
 * tpacket-open.c: activating an AF_PACKET handle -- the socket, what the
 * device's hardware type means as a link type, binding, promiscuous
 * membership, then the ring.  Status codes and messages are libpcap's.
 */
#include "config.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accel/link-types.h"
#include "accel/tpacket.h"

static int ioctl_ifreq(int fd, unsigned long req, const char *device,
		       struct ifreq *ifr)
{
	memset(ifr, 0, sizeof *ifr);
	snprintf(ifr->ifr_name, sizeof ifr->ifr_name, "%s", device);
	return ioctl(fd, req, ifr);
}

static int device_index(pcap_t *p, int fd, const char *device)
{
	struct ifreq ifr;

	if (ioctl_ifreq(fd, SIOCGIFINDEX, device, &ifr) == -1) {
		pcap_errnof(p->errbuf, errno, "SIOCGIFINDEX");
		return -1;
	}
	return ifr.ifr_ifindex;
}

/* The ARPHRD_* type, or a pcap status (< 0). */
static int device_hw_type(pcap_t *p, int fd, const char *device)
{
	struct ifreq ifr;

	if (ioctl_ifreq(fd, SIOCGIFHWADDR, device, &ifr) == -1) {
		if (errno == ENODEV) {
			p->errbuf[0] = '\0';
			return PCAP_ERROR_NO_SUCH_DEVICE;
		}
		pcap_errnof(p->errbuf, errno, "SIOCGIFHWADDR");
		return PCAP_ERROR;
	}
	return ifr.ifr_hwaddr.sa_family;
}

static bool device_is_wireless(const char *device)
{
	char path[64 + IF_NAMESIZE];
	struct stat st;

	snprintf(path, sizeof path, "/sys/class/net/%s/wireless", device);
	return stat(path, &st) == 0;
}

/* Bind to ifindex (0: every device) for protocol (network order). */
static int bind_device(pcap_t *p, int fd, int ifindex, int protocol)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = ifindex < 0 ? 0 : ifindex,
		.sll_protocol = (unsigned short)protocol,
	};
	socklen_t len = sizeof(int);
	int err = 0;

	if (bind(fd, (struct sockaddr *)&sll, sizeof sll) == -1) {
		if (errno == ENETDOWN)
			return PCAP_ERROR_IFACE_NOT_UP;
		if (errno == ENODEV) {
			p->errbuf[0] = '\0';
			return PCAP_ERROR_NO_SUCH_DEVICE;
		}
		pcap_errnof(p->errbuf, errno, "bind");
		return PCAP_ERROR;
	}
	/* A device that went down before the bind reports it here. */
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1) {
		pcap_errnof(p->errbuf, errno, "getsockopt (SO_ERROR)");
		return PCAP_ERROR;
	}
	if (err == ENETDOWN)
		return PCAP_ERROR_IFACE_NOT_UP;
	if (err > 0) {
		pcap_errnof(p->errbuf, err, "bind");
		return PCAP_ERROR;
	}
	return 0;
}

static int set_cooked_dlt_list(pcap_t *p)
{
	free(p->dlt_list);
	p->dlt_list = malloc(2 * sizeof *p->dlt_list);
	if (p->dlt_list == NULL) {
		p->dlt_count = 0;
		pcap_errnof(p->errbuf, errno, "malloc");
		return PCAP_ERROR;
	}
	p->dlt_list[0] = DLT_LINUX_SLL;
	p->dlt_list[1] = DLT_LINUX_SLL2;
	p->dlt_count = 2;
	return 0;
}

/*
 * A device: its link type from its hardware type, and a SOCK_DGRAM
 * (cooked) socket instead when libpcap would use one.  Replaces *fd.
 * Returns a status (a warning when the type is unknown).
 */
static int open_device(pcap_t *p, int *fd)
{
	struct tpacket *t = p->priv;
	const char *device = p->opt.device;
	const struct link_type *lt;
	int hw, err;

	if (p->opt.rfmon) {
		/* Monitor mode needs nl80211, which this build does not use. */
		return PCAP_ERROR_RFMON_NOTSUP;
	}
	hw = device_hw_type(p, *fd, device);
	if (hw < 0)
		return hw;
	lt = link_type_for_hw(hw, device, device_is_wireless(device));
	p->linktype = lt != NULL ? lt->dlt : -1;
	if (lt != NULL && lt->dlt_list_len > 0) {
		p->dlt_list = malloc(sizeof *p->dlt_list * lt->dlt_list_len);
		if (p->dlt_list == NULL) {
			pcap_errnof(p->errbuf, errno, "malloc");
			return PCAP_ERROR;
		}
		memcpy(p->dlt_list, lt->dlt_list,
		       sizeof *p->dlt_list * lt->dlt_list_len);
		p->dlt_count = (int)lt->dlt_list_len;
	}
	if (lt == NULL || lt->cooked || t->params.cooked) {
		close(*fd);
		*fd = socket(PF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (*fd < 0) {
			pcap_errnof(p->errbuf, errno, "socket");
			return PCAP_ERROR;
		}
		t->cooked = true;
		if (p->dlt_list != NULL && set_cooked_dlt_list(p) < 0)
			return PCAP_ERROR;
		/* The message stays, but activation succeeds. */
		if (lt == NULL)
			pcap_errf(p->errbuf, "arptype %d not supported by "
				  "libpcap - falling back to cooked socket", hw);
		if (lt == NULL || lt->dlt == DLT_LINUX_SLL ||
		    lt->dlt == DLT_EN10MB)
			p->linktype = DLT_LINUX_SLL;
	}
	t->ifindex = device_index(p, *fd, device);
	if (t->ifindex == -1)
		return PCAP_ERROR;
	err = bind_device(p, *fd, t->ifindex, 0);
	return err;
}

static int open_any(pcap_t *p)
{
	struct tpacket *t = p->priv;

	if (p->opt.rfmon)
		return PCAP_ERROR_RFMON_NOTSUP;
	t->cooked = true;
	t->ifindex = -1;
	p->linktype = DLT_LINUX_SLL;
	return set_cooked_dlt_list(p);
}

static int open_socket(pcap_t *p, bool any)
{
	struct tpacket *t = p->priv;
	int fd = socket(PF_PACKET, (any ? SOCK_DGRAM : SOCK_RAW) | SOCK_CLOEXEC,
			0);
	int status, one = 1;

	if (fd == -1) {
		status = errno == EPERM || errno == EACCES ?
			 PCAP_ERROR_PERM_DENIED : PCAP_ERROR;
		pcap_errnof(p->errbuf, errno, "socket");
		return status;
	}
	t->lo_ifindex = device_index(p, fd, "lo");
	status = any ? open_any(p) : open_device(p, &fd);
	if (status < 0)
		goto fail;
	if (!any && p->opt.promisc) {
		struct packet_mreq mr = { .mr_ifindex = t->ifindex,
					  .mr_type = PACKET_MR_PROMISC };

		/* A membership: it ends with the socket. */
		if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
			       sizeof mr) == -1) {
			pcap_errnof(p->errbuf, errno,
				    "setsockopt (PACKET_ADD_MEMBERSHIP)");
			status = PCAP_ERROR;
			goto fail;
		}
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one) == -1 &&
	    errno != ENOPROTOOPT) {
		pcap_errnof(p->errbuf, errno, "setsockopt (PACKET_AUXDATA)");
		status = PCAP_ERROR;
		goto fail;
	}
	if (t->cooked && p->snapshot < SLL2_HDR_LEN + 1)
		p->snapshot = SLL2_HDR_LEN + 1;
	p->bufsize = p->snapshot;
	tpacket_set_vlan_offset(p);
	if (p->opt.tstamp_precision == PCAP_TSTAMP_PRECISION_NANO &&
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) < 0) {
		pcap_errf(p->errbuf, "setsockopt: unable to set SO_TIMESTAMPNS");
		status = PCAP_ERROR;
		goto fail;
	}
	p->fd = fd;
	/* Filters read VLAN tags from the socket's metadata. */
	p->bpf_vlan_ext = true;
	return status;
fail:
	close(fd);
	return status;
}

/*
 * accel: settings that only make sense on a bound socket with its ring:
 * joining a fanout group, busy polling, pinning the reading thread.
 */
/* A computation file's text (64 KiB at most), malloc'd; NULL on error. */
static char *read_computation(pcap_t *p, const char *path)
{
	enum { MAX_TEXT = 65536 };
	FILE *f = fopen(path, "re");
	char *text = f != NULL ? malloc(MAX_TEXT + 1) : NULL;
	size_t n = text != NULL ? fread(text, 1, MAX_TEXT + 1, f) : 0;

	if (text == NULL || ferror(f) || n > MAX_TEXT) {
		if (f == NULL || text == NULL || ferror(f))
			pcap_errnof(p->errbuf, errno, "computation_file %s",
				    path);
		else
			pcap_errf(p->errbuf, "computation_file %s: longer than "
				  "64 KiB", path);
		free(text);
		text = NULL;
	} else {
		text[n] = '\0';
	}
	if (f != NULL)
		fclose(f);
	return text;
}

/* The computation's programs, for this handle's link type. */
static int compile_computation(pcap_t *p)
{
	struct tpacket *t = p->priv;
	const struct tpacket_params *a = &t->params;
	struct filter_target target = {
		.linktype = p->linktype, .snaplen = (unsigned)p->snapshot,
		.linux_vlan_ext = p->bpf_vlan_ext,
	};
	char *text = a->computation_file != NULL
		     ? read_computation(p, a->computation_file) : NULL;
	int rc;

	if (a->computation_file != NULL && text == NULL)
		return PCAP_ERROR;
	rc = computation_compile(text != NULL ? text : a->computation,
				 text != NULL ? a->computation_file
					      : a->computation_origin,
				 &target, &t->computation, p->errbuf);
	free(text);
	if (rc != 0)
		return PCAP_ERROR;
	if (t->computation.fanout != COMPUTATION_FANOUT_NONE &&
	    a->fanout_group < 0) {
		pcap_errf(p->errbuf, "%s: computation: steering needs a group "
			  "(the group key)", a->computation_origin);
		return PCAP_ERROR;
	}
	return 0;
}

/* The group's steering program (every member sets the same one). */
static int set_fanout_program(pcap_t *p, const struct bpf_program *steer)
{
	struct bpf_program ll;
	struct sock_fprog fp;
	int rc;

	if (computation_fanout_program(steer, &ll) != 0) {
		pcap_errnof(p->errbuf, errno, "malloc");
		return PCAP_ERROR;
	}
	fp.len = (unsigned short)ll.bf_len;
	fp.filter = (struct sock_filter *)ll.bf_insns;
	rc = setsockopt(p->fd, SOL_PACKET, PACKET_FANOUT_DATA, &fp, sizeof fp);
	if (rc == -1)
		pcap_errnof(p->errbuf, errno, "%s: computation: steering "
			    "program", p->opt.device);
	free(ll.bf_insns);
	return rc == -1 ? PCAP_ERROR : 0;
}

static int apply_accel_params(pcap_t *p)
{
	struct tpacket *t = p->priv;
	const struct tpacket_params *a = &t->params;

	if ((a->computation != NULL || a->computation_file != NULL) &&
	    compile_computation(p) != 0)
		return PCAP_ERROR;
	if (a->fanout_group >= 0) {
		/*
		 * The kernel's ids are per network namespace, ours per device:
		 * every process derives the same kernel id for (group, device).
		 * A computation that steers picks the member itself.
		 */
		unsigned ifindex = t->ifindex < 0 ? 0 : (unsigned)t->ifindex;
		unsigned id = ((unsigned)a->fanout_group + 4099u * ifindex) & 0xffff;
		static const unsigned by_computation[] = {
			[COMPUTATION_FANOUT_PROGRAM] = PACKET_FANOUT_CBPF,
			[COMPUTATION_FANOUT_LB] = PACKET_FANOUT_LB,
			[COMPUTATION_FANOUT_HASH] = PACKET_FANOUT_HASH,
		};
		unsigned mode = t->computation.fanout == COMPUTATION_FANOUT_NONE
				? a->fanout_mode
				: by_computation[t->computation.fanout] |
					  (a->fanout_mode & ~0xffu);
		int arg = (int)(id | (mode << 16));

		if (setsockopt(p->fd, SOL_PACKET, PACKET_FANOUT, &arg,
			       sizeof arg) == -1) {
			pcap_errnof(p->errbuf, errno, "%s: can't join fanout "
				    "group %d", p->opt.device, a->fanout_group);
			return PCAP_ERROR;
		}
		if (t->computation.steer.bf_insns != NULL &&
		    set_fanout_program(p, &t->computation.steer) != 0)
			return PCAP_ERROR;
	}
	if (t->computation.filter.bf_insns != NULL &&
	    tpacket_kernel_filter(p, &t->computation.filter) != 0)
		return PCAP_ERROR;
	if (a->busy_poll_us > 0 &&
	    setsockopt(p->fd, SOL_SOCKET, SO_BUSY_POLL, &a->busy_poll_us,
		       sizeof a->busy_poll_us) == -1) {
		pcap_errnof(p->errbuf, errno, "setsockopt (SO_BUSY_POLL)");
		return PCAP_ERROR;
	}
	if (a->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(a->cpu, &set);
		if (sched_setaffinity(0, sizeof set, &set) == -1) {
			pcap_errnof(p->errbuf, errno, "can't pin the reading "
				    "thread to CPU %d", a->cpu);
			return PCAP_ERROR;
		}
	}
	return 0;
}

static int protocol_of(const pcap_t *p)
{
	return htons(p->opt.protocol != 0 ? p->opt.protocol : ETH_P_ALL);
}

int tpacket_activate(pcap_t *p)
{
	struct tpacket *t = p->priv;
	const char *device = p->opt.device;
	bool any = strcmp(device, "any") == 0;
	int status = 0, err;

	if (strlen(device) >= IF_NAMESIZE) {
		p->errbuf[0] = '\0';
		return PCAP_ERROR_NO_SUCH_DEVICE;
	}
	if (p->snapshot <= 0 || p->snapshot > TPACKET_MAX_SNAPLEN)
		p->snapshot = TPACKET_MAX_SNAPLEN;
	if (any && p->opt.promisc) {
		p->opt.promisc = 0;
		pcap_errf(p->errbuf, "Promiscuous mode not supported on the "
			  "\"any\" device");
		status = PCAP_WARNING_PROMISC_NOTSUP;
	}
	t->timeout = p->opt.timeout_ms;
	if (p->opt.promisc)
		t->sysfs_dropped = tpacket_if_drops(device);
	err = open_socket(p, any);
	if (err < 0) {
		tpacket_release(p);
		return err;
	}
	if (err > 0)
		status = err;
	err = tpacket_ring_create(p);
	if (err < 0) {
		tpacket_release(p);
		return err;
	}
	if (err > 0)
		status = err;
	/* Now that the ring exists, take the protocol asked for. */
	err = bind_device(p, p->fd, t->ifindex, protocol_of(p));
	if (err == 0)
		err = apply_accel_params(p);
	if (err != 0) {
		tpacket_release(p);
		return err;
	}
	p->selectable_fd = p->fd;
	return status;
}

/* Undo an activation, or close an active handle. */
void tpacket_release(pcap_t *p)
{
	struct tpacket *t = p->priv;

	if (p->fd != -1) {
		tpacket_ring_destroy(p);
		close(p->fd);
		p->fd = -1;
	}
	p->selectable_fd = -1;
	user_filter_clear(&t->filter);
	computation_free(&t->computation);
}

/* rx_missed_errors + rx_fifo_errors: what libpcap counts as ps_ifdrop. */
static long long sysfs_counter(const char *device, const char *name)
{
	char path[96 + IF_NAMESIZE], buf[32];
	FILE *f;
	long long v = 0;

	snprintf(path, sizeof path, "/sys/class/net/%s/statistics/%s", device,
		 name);
	f = fopen(path, "re");
	if (f == NULL)
		return 0;
	if (fgets(buf, sizeof buf, f) != NULL)
		v = strtoll(buf, NULL, 10);
	fclose(f);
	return v;
}

long long tpacket_if_drops(const char *device)
{
	return sysfs_counter(device, "rx_missed_errors") +
	       sysfs_counter(device, "rx_fifo_errors");
}
