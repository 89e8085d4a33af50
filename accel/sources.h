/*
 * sources.h: how pcap-compat reaches the capture sources.  Each
 * constructor returns a handle with its ops table set, or NULL with the
 * reason in errbuf.
 */
#ifndef ACCEL_SOURCES_H
#define ACCEL_SOURCES_H

#include <stdio.h>

#include "pcap-compat/pcap-int.h"

/* A live device, not yet activated (pcap_create). */
pcap_t *live_source_create(const char *device, char *errbuf);

/* A savefile (pcap or pcapng) already opened as fp; activated. */
pcap_t *savefile_open(FILE *fp, u_int precision, char *errbuf);

/* pcap_open_dead: a handle for compiling filters and writing files. */
pcap_t *dead_open(int linktype, int snaplen, u_int precision);

#endif
