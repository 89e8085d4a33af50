/*
 * handle.c: the life of a pcap_t (allocation, pcap_close) and every call
 * that reads or changes common handle state, forwarding to the source's
 * ops where the source decides.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "pcap-compat/pcap-int.h"

pcap_t *pcap_handle_alloc(char *errbuf, const struct source_ops *ops,
			  size_t priv_size)
{
	pcap_t *p = calloc(1, sizeof *p);

	if (p == NULL) {
		pcap_errnof(errbuf, errno, "malloc");
		return NULL;
	}
	if (priv_size > 0) {
		p->priv = calloc(1, priv_size);
		if (p->priv == NULL) {
			pcap_errnof(errbuf, errno, "malloc");
			free(p);
			return NULL;
		}
	}
	p->ops = ops;
	p->fd = -1;
	p->selectable_fd = -1;
	p->opt.tstamp_type = -1;
	p->opt.tstamp_precision = PCAP_TSTAMP_PRECISION_MICRO;
	p->direction = PCAP_D_INOUT;
	return p;
}

void pcap_handle_free(pcap_t *p)
{
	user_filter_clear(&p->filter);
	free(p->dlt_list);
	free(p->tstamp_type_list);
	free(p->tstamp_precision_list);
	free(p->opt.device);
	free(p->oneshot_buf);
	free(p->priv);
	free(p);
}

PCAP_EXPORT void pcap_close(pcap_t *p)
{
	if (p == NULL)
		return;
	if (p->ops->close != NULL)
		p->ops->close(p);
	pcap_handle_free(p);
}

/* libpcap's answer for calls that need an activated handle. */
static int not_activated(pcap_t *p)
{
	pcap_errf(p->errbuf, "This handle hasn't been activated yet");
	return PCAP_ERROR_NOT_ACTIVATED;
}

#define IF_ACTIVATED(p, expr) ((p)->activated ? (expr) : PCAP_ERROR_NOT_ACTIVATED)

PCAP_EXPORT int pcap_datalink(pcap_t *p)
{
	return IF_ACTIVATED(p, p->linktype);
}

PCAP_EXPORT int pcap_datalink_ext(pcap_t *p)
{
	return IF_ACTIVATED(p, p->linktype_ext);
}

PCAP_EXPORT int pcap_snapshot(pcap_t *p)
{
	return IF_ACTIVATED(p, p->snapshot);
}

PCAP_EXPORT int pcap_is_swapped(pcap_t *p)
{
	return IF_ACTIVATED(p, p->swapped);
}

PCAP_EXPORT int pcap_major_version(pcap_t *p)
{
	return IF_ACTIVATED(p, p->version_major);
}

PCAP_EXPORT int pcap_minor_version(pcap_t *p)
{
	return IF_ACTIVATED(p, p->version_minor);
}

PCAP_EXPORT int pcap_bufsize(pcap_t *p)
{
	return IF_ACTIVATED(p, p->bufsize);
}

PCAP_EXPORT FILE *pcap_file(pcap_t *p)
{
	return p->rfile;
}

PCAP_EXPORT int pcap_fileno(pcap_t *p)
{
	return p->fd;
}

PCAP_EXPORT int pcap_get_selectable_fd(pcap_t *p)
{
	return p->selectable_fd;
}

PCAP_EXPORT const struct timeval *pcap_get_required_select_timeout(pcap_t *p)
{
	return p->required_select_timeout;
}

PCAP_EXPORT int pcap_get_tstamp_precision(pcap_t *p)
{
	return p->opt.tstamp_precision;
}

/* A malloc'd copy of list, or of the single value when list is NULL. */
static int copy_int_list(pcap_t *p, const int *list, int count, int single,
			 int **out)
{
	int n = list != NULL ? count : 1;

	*out = malloc(sizeof **out * (size_t)n);
	if (*out == NULL) {
		pcap_errnof(p->errbuf, errno, "malloc");
		return PCAP_ERROR;
	}
	if (list != NULL)
		memcpy(*out, list, sizeof **out * (size_t)n);
	else
		**out = single;
	return n;
}

PCAP_EXPORT int pcap_list_datalinks(pcap_t *p, int **dlt_buffer)
{
	if (!p->activated)
		return PCAP_ERROR_NOT_ACTIVATED;
	return copy_int_list(p, p->dlt_list, p->dlt_count, p->linktype,
			     dlt_buffer);
}

PCAP_EXPORT void pcap_free_datalinks(int *dlt_list)
{
	free(dlt_list);
}

PCAP_EXPORT int pcap_list_tstamp_types(pcap_t *p, int **tstamp_typesp)
{
	return copy_int_list(p, p->tstamp_type_list, p->tstamp_type_count,
			     PCAP_TSTAMP_HOST, tstamp_typesp);
}

PCAP_EXPORT void pcap_free_tstamp_types(int *tstamp_type_list)
{
	free(tstamp_type_list);
}

static bool dlt_in_list(const pcap_t *p, int dlt)
{
	for (int i = 0; i < p->dlt_count; i++)
		if (p->dlt_list[i] == dlt)
			return true;
	return false;
}

PCAP_EXPORT int pcap_set_datalink(pcap_t *p, int dlt)
{
	const char *name;

	if (dlt >= 0) {
		if (p->dlt_list == NULL || p->ops->set_datalink == NULL) {
			if (p->linktype == dlt)
				return 0;
		} else if (dlt_in_list(p, dlt)) {
			/* EN10MB + DOCSIS: DOCSIS is only a label on Ethernet. */
			if (!(p->dlt_count == 2 && p->dlt_list[0] == DLT_EN10MB &&
			      dlt == DLT_DOCSIS) &&
			    p->ops->set_datalink(p, dlt) == -1)
				return -1;
			p->linktype = dlt;
			return 0;
		}
	}
	name = pcap_datalink_val_to_name(dlt);
	if (name != NULL)
		pcap_errf(p->errbuf,
			  "%s is not one of the DLTs supported by this device",
			  name);
	else
		pcap_errf(p->errbuf,
			  "DLT %d is not one of the DLTs supported by this device",
			  dlt);
	return -1;
}

PCAP_EXPORT int pcap_getnonblock(pcap_t *p, char *errbuf)
{
	int ret;

	if (!p->activated)
		return not_activated(p);
	if (p->ops->get_nonblock == NULL)
		return p->opt.nonblock;
	ret = p->ops->get_nonblock(p);
	/* The message is in both places, as libpcap does. */
	if (ret == -1)
		memcpy(errbuf, p->errbuf, PCAP_ERRBUF_SIZE);
	return ret;
}

PCAP_EXPORT int pcap_setnonblock(pcap_t *p, int nonblock, char *errbuf)
{
	int ret = 0;

	if (!p->activated) {
		/* Remembered and applied by pcap_activate. */
		p->opt.nonblock = nonblock;
		return 0;
	}
	if (p->ops->set_nonblock != NULL)
		ret = p->ops->set_nonblock(p, nonblock);
	else
		p->opt.nonblock = nonblock;
	if (ret == -1)
		memcpy(errbuf, p->errbuf, PCAP_ERRBUF_SIZE);
	return ret;
}

PCAP_EXPORT int pcap_stats(pcap_t *p, struct pcap_stat *ps)
{
	if (!p->activated)
		return not_activated(p);
	if (p->ops->stats == NULL) {
		pcap_errf(p->errbuf, "Statistics aren't available from this source");
		return -1;
	}
	return p->ops->stats(p, ps);
}

PCAP_EXPORT int pcap_setdirection(pcap_t *p, pcap_direction_t d)
{
	if (p->activated && p->ops->set_direction == NULL) {
		pcap_errf(p->errbuf,
			  "Setting direction is not supported on this device");
		return -1;
	}
	if (d != PCAP_D_IN && d != PCAP_D_OUT && d != PCAP_D_INOUT) {
		pcap_errf(p->errbuf, "Invalid direction");
		return -1;
	}
	if (!p->activated)
		return not_activated(p);
	return p->ops->set_direction(p, d);
}

PCAP_EXPORT int pcap_can_set_rfmon(pcap_t *p)
{
	if (p->ops->can_set_rfmon == NULL)
		return 0;
	return p->ops->can_set_rfmon(p);
}

static int inject(pcap_t *p, const void *buf, size_t size)
{
	if (!p->activated)
		return not_activated(p);
	if (p->ops->inject == NULL) {
		pcap_errf(p->errbuf, "Packet injection is not supported on this device");
		return PCAP_ERROR;
	}
	return p->ops->inject(p, buf, size);
}

PCAP_EXPORT int pcap_inject(pcap_t *p, const void *buf, size_t size)
{
	if (size > INT_MAX) {
		pcap_errnof(p->errbuf, errno,
			    "More than %d bytes cannot be injected", INT_MAX);
		return PCAP_ERROR;
	}
	if (size == 0) {
		pcap_errnof(p->errbuf, errno,
			    "The number of bytes to be injected must not be zero");
		return PCAP_ERROR;
	}
	return inject(p, buf, size);
}

PCAP_EXPORT int pcap_sendpacket(pcap_t *p, const u_char *buf, int size)
{
	if (size <= 0) {
		pcap_errnof(p->errbuf, errno,
			    "The number of bytes to be sent must be positive");
		return PCAP_ERROR;
	}
	return inject(p, buf, (size_t)size) == -1 ? -1 : 0;
}
