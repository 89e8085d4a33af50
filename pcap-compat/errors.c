/*
 * errors.c: error and status strings (pcap_geterr, pcap_statustostr,
 * pcap_strerror, pcap_perror), library identity (pcap_lib_version,
 * pcap_version) and pcap_init's character-encoding mode.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "pcap-compat/pcap-int.h"

/* Exported, undeclared in the headers, as in libpcap: the bare version. */
PCAP_EXPORT char pcap_version[] = PCAP_COMPAT_VERSION;

void pcap_errf(char *errbuf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, PCAP_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
}

/* "what: strerror(errnum)", the shape of every libpcap system-call error. */
void pcap_errnof(char *errbuf, int errnum, const char *fmt, ...)
{
	char reason[PCAP_ERRBUF_SIZE];
	char what[PCAP_ERRBUF_SIZE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: %s", what,
		 strerror_r(errnum, reason, sizeof reason));
}

PCAP_EXPORT char *pcap_geterr(pcap_t *p)
{
	return p->errbuf;
}

PCAP_EXPORT void pcap_perror(pcap_t *p, const char *prefix)
{
	fprintf(stderr, "%s: %s\n", prefix, p->errbuf);
}

PCAP_EXPORT const char *pcap_strerror(int errnum)
{
	return strerror(errnum);
}

static const struct {
	int status;
	const char *text;
} status_texts[] = {
	{ PCAP_WARNING, "Generic warning" },
	{ PCAP_WARNING_TSTAMP_TYPE_NOTSUP,
	  "That type of time stamp is not supported by that device" },
	{ PCAP_WARNING_PROMISC_NOTSUP,
	  "That device doesn't support promiscuous mode" },
	{ PCAP_ERROR, "Generic error" },
	{ PCAP_ERROR_BREAK, "Loop terminated by pcap_breakloop" },
	{ PCAP_ERROR_NOT_ACTIVATED, "The pcap_t has not been activated" },
	{ PCAP_ERROR_ACTIVATED,
	  "The setting can't be changed after the pcap_t is activated" },
	{ PCAP_ERROR_NO_SUCH_DEVICE, "No such device exists" },
	{ PCAP_ERROR_RFMON_NOTSUP, "That device doesn't support monitor mode" },
	{ PCAP_ERROR_NOT_RFMON,
	  "That operation is supported only in monitor mode" },
	{ PCAP_ERROR_PERM_DENIED,
	  "You don't have permission to perform this capture on that device" },
	{ PCAP_ERROR_IFACE_NOT_UP, "That device is not up" },
	{ PCAP_ERROR_CANTSET_TSTAMP_TYPE,
	  "That device doesn't support setting the time stamp type" },
	{ PCAP_ERROR_PROMISC_PERM_DENIED,
	  "You don't have permission to capture in promiscuous mode on that device" },
	{ PCAP_ERROR_TSTAMP_PRECISION_NOTSUP,
	  "That device doesn't support that time stamp precision" },
};

PCAP_EXPORT const char *pcap_statustostr(int status)
{
	/* Per thread, so two threads never share a buffer. */
	static _Thread_local char unknown[32];

	for (size_t i = 0; i < sizeof status_texts / sizeof status_texts[0]; i++)
		if (status_texts[i].status == status)
			return status_texts[i].text;
	snprintf(unknown, sizeof unknown, "Unknown error: %d", status);
	return unknown;
}

PCAP_EXPORT const char *pcap_lib_version(void)
{
	return "libpcap version " PCAP_COMPAT_VERSION
	       " (with TPACKET_V3; accel-pcap " PACKAGE_VERSION ")";
}

/*
 * pcap_init's mode is process-wide by definition: 0 never called,
 * else 1 + the encoding it chose.
 */
static atomic_int init_mode;

bool pcap_utf8_mode(void)
{
	return atomic_load(&init_mode) == 1 + (int)PCAP_CHAR_ENC_UTF_8;
}

bool pcap_init_called(void)
{
	return atomic_load(&init_mode) != 0;
}

PCAP_EXPORT int pcap_init(unsigned int opts, char *errbuf)
{
	int want, was;

	if (opts != PCAP_CHAR_ENC_LOCAL && opts != PCAP_CHAR_ENC_UTF_8) {
		pcap_errf(errbuf, "Unknown options specified");
		return PCAP_ERROR;
	}
	want = 1 + (int)opts;
	was = 0;
	if (atomic_compare_exchange_strong(&init_mode, &was, want) ||
	    was == want)
		return 0;
	pcap_errf(errbuf,
		  "Multiple pcap_init calls with different character encodings");
	return PCAP_ERROR;
}
