/*
 * open-offline.c: the public ways to open savefiles (by name, "-" for
 * standard input, or an open FILE *) and dead handles.  The savefile source
 * in accel/ reads them.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "accel/sources.h"
#include "pcap-compat/pcap-int.h"

PCAP_EXPORT pcap_t *pcap_fopen_offline_with_tstamp_precision(FILE *fp,
							      u_int precision,
							      char *errbuf)
{
	if (fp == NULL) {
		pcap_errf(errbuf,
			  "Null FILE * pointer provided to savefile open routine");
		return NULL;
	}
	return savefile_open(fp, precision, errbuf);
}

PCAP_EXPORT pcap_t *pcap_fopen_offline(FILE *fp, char *errbuf)
{
	return pcap_fopen_offline_with_tstamp_precision(
		fp, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
}

PCAP_EXPORT pcap_t *pcap_open_offline_with_tstamp_precision(const char *fname,
							     u_int precision,
							     char *errbuf)
{
	FILE *fp;
	pcap_t *p;

	if (fname == NULL) {
		pcap_errf(errbuf, "A null pointer was supplied as the file name");
		return NULL;
	}
	if (fname[0] == '-' && fname[1] == '\0') {
		fp = stdin;
		if (fp == NULL) {
			pcap_errf(errbuf, "The standard input is not open");
			return NULL;
		}
	} else {
		fp = fopen(fname, "rb");
		if (fp == NULL) {
			pcap_errnof(errbuf, errno, "%s", fname);
			return NULL;
		}
	}
	p = savefile_open(fp, precision, errbuf);
	if (p == NULL && fp != stdin)
		fclose(fp);
	return p;
}

PCAP_EXPORT pcap_t *pcap_open_offline(const char *fname, char *errbuf)
{
	return pcap_open_offline_with_tstamp_precision(
		fname, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
}

PCAP_EXPORT pcap_t *pcap_open_dead_with_tstamp_precision(int linktype,
							  int snaplen,
							  u_int precision)
{
	return dead_open(linktype, snaplen, precision);
}

PCAP_EXPORT pcap_t *pcap_open_dead(int linktype, int snaplen)
{
	return dead_open(linktype, snaplen, PCAP_TSTAMP_PRECISION_MICRO);
}
