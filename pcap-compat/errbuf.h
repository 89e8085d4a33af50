/*
 * errbuf.h: messages into an error buffer of PCAP_ERRBUF_SIZE (256)
 * bytes, never printed (errors.c).  Free of pcap types, for the files
 * that talk to libbpf and libxdp, whose headers and pcap's cannot meet.
 */
#ifndef ACCEL_ERRBUF_H
#define ACCEL_ERRBUF_H

void pcap_errf(char *errbuf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pcap_errnof(char *errbuf, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
