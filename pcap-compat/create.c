/*
 * create.c: pcap_create, the settings made before pcap_activate, and
 * pcap_open_live.  Which source a device name gets is decided here; the
 * source does the real work in its activate op.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "accel/sources.h"
#include "pcap-compat/pcap-int.h"

PCAP_EXPORT pcap_t *pcap_create(const char *device, char *errbuf)
{
	pcap_t *p;
	char *name = strdup(device != NULL ? device : "any");

	if (name == NULL) {
		pcap_errnof(errbuf, errno, "malloc");
		return NULL;
	}
	p = live_source_create(name, errbuf);
	if (p == NULL) {
		free(name);
		return NULL;
	}
	p->opt.device = name;
	return p;
}

static int refuse_if_activated(pcap_t *p)
{
	if (!p->activated)
		return 0;
	/* libpcap's wording, including its double space. */
	pcap_errf(p->errbuf, "can't perform  operation on activated capture");
	return PCAP_ERROR_ACTIVATED;
}

#define SET_OPTION(p, field, value)                                           \
	do {                                                                  \
		int refused_ = refuse_if_activated(p);                        \
		if (refused_ != 0)                                            \
			return refused_;                                      \
		(p)->field = (value);                                         \
		return 0;                                                     \
	} while (0)

PCAP_EXPORT int pcap_set_snaplen(pcap_t *p, int snaplen)
{
	SET_OPTION(p, snapshot, snaplen);
}

PCAP_EXPORT int pcap_set_promisc(pcap_t *p, int promisc)
{
	SET_OPTION(p, opt.promisc, promisc);
}

PCAP_EXPORT int pcap_set_rfmon(pcap_t *p, int rfmon)
{
	SET_OPTION(p, opt.rfmon, rfmon);
}

PCAP_EXPORT int pcap_set_timeout(pcap_t *p, int timeout_ms)
{
	SET_OPTION(p, opt.timeout_ms, timeout_ms);
}

PCAP_EXPORT int pcap_set_immediate_mode(pcap_t *p, int immediate)
{
	SET_OPTION(p, opt.immediate, immediate);
}

PCAP_EXPORT int pcap_set_protocol_linux(pcap_t *p, int protocol)
{
	SET_OPTION(p, opt.protocol, protocol);
}

PCAP_EXPORT int pcap_set_buffer_size(pcap_t *p, int buffer_size)
{
	int refused = refuse_if_activated(p);

	if (refused != 0)
		return refused;
	if (buffer_size > 0)	/* others are silently ignored */
		p->opt.buffer_size = buffer_size;
	return 0;
}

static bool int_in_list(const int *list, int count, int value)
{
	for (int i = 0; i < count; i++)
		if (list[i] == value)
			return true;
	return false;
}

PCAP_EXPORT int pcap_set_tstamp_type(pcap_t *p, int tstamp_type)
{
	int refused = refuse_if_activated(p);
	bool offered;

	if (refused != 0)
		return refused;
	if (tstamp_type < 0)
		return PCAP_WARNING_TSTAMP_TYPE_NOTSUP;
	if (p->tstamp_type_list == NULL)
		offered = tstamp_type == PCAP_TSTAMP_HOST;
	else
		offered = int_in_list(p->tstamp_type_list,
				      p->tstamp_type_count, tstamp_type);
	if (!offered)
		return PCAP_WARNING_TSTAMP_TYPE_NOTSUP;
	p->opt.tstamp_type = tstamp_type;
	return 0;
}

PCAP_EXPORT int pcap_set_tstamp_precision(pcap_t *p, int tstamp_precision)
{
	int refused = refuse_if_activated(p);
	bool offered;

	if (refused != 0)
		return refused;
	if (tstamp_precision < 0)
		return PCAP_ERROR_TSTAMP_PRECISION_NOTSUP;
	if (p->tstamp_precision_list == NULL)
		offered = tstamp_precision == PCAP_TSTAMP_PRECISION_MICRO;
	else
		offered = int_in_list(p->tstamp_precision_list,
				      p->tstamp_precision_count,
				      tstamp_precision);
	if (!offered)
		return PCAP_ERROR_TSTAMP_PRECISION_NOTSUP;
	p->opt.tstamp_precision = tstamp_precision;
	return 0;
}

PCAP_EXPORT int pcap_activate(pcap_t *p)
{
	int status = refuse_if_activated(p);

	if (status != 0)
		return status;
	status = p->ops->activate(p);
	if (status < 0) {
		/* Programs that only print the message still learn why. */
		if (p->errbuf[0] == '\0')
			pcap_errf(p->errbuf, "%s", pcap_statustostr(status));
		return status;
	}
	/* libpcap returns this call's status then: a warning is lost. */
	if (p->opt.nonblock && p->ops->set_nonblock != NULL) {
		status = p->ops->set_nonblock(p, 1);
		if (status < 0) {
			if (p->ops->close != NULL)
				p->ops->close(p);
			return status;
		}
	}
	p->activated = true;
	return status;
}

PCAP_EXPORT pcap_t *pcap_open_live(const char *device, int snaplen,
				   int promisc, int to_ms, char *errbuf)
{
	pcap_t *p;
	int status;

	if (device == NULL)
		device = "any";
	p = pcap_create(device, errbuf);
	if (p == NULL)
		return NULL;
	/* The setters cannot fail on a fresh handle. */
	pcap_set_snaplen(p, snaplen);
	pcap_set_promisc(p, promisc);
	pcap_set_timeout(p, to_ms);
	status = pcap_activate(p);
	if (status >= 0)
		return p;

	if (status == PCAP_ERROR)
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: %.*s", device,
			 PCAP_ERRBUF_SIZE - 3, p->errbuf);
	else if ((status == PCAP_ERROR_NO_SUCH_DEVICE ||
		  status == PCAP_ERROR_PERM_DENIED ||
		  status == PCAP_ERROR_PROMISC_PERM_DENIED) &&
		 p->errbuf[0] != '\0')
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: %s (%.*s)", device,
			 pcap_statustostr(status), PCAP_ERRBUF_SIZE - 6,
			 p->errbuf);
	else
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: %s", device,
			 pcap_statustostr(status));
	pcap_close(p);
	return NULL;
}
