/*
 * fuzz-savefile.h: what both savefile fuzz targets do with an input --
 * open it through the mmap path (a memfd, a regular file) and through the
 * stdio path (fmemopen), in both timestamp precisions, and read every
 * packet.  Any crash, leak or sanitizer report is a bug.
 */
#ifndef FUZZ_SAVEFILE_H
#define FUZZ_SAVEFILE_H

#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

static void fuzz_read_all(FILE *f, unsigned precision)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	volatile u_char sink = 0;
	pcap_t *p;
	int r;

	if (f == NULL)
		return;
	p = pcap_fopen_offline_with_tstamp_precision(f, precision, errbuf);
	if (p == NULL) {
		fclose(f);
		return;
	}
	(void)pcap_datalink(p);
	(void)pcap_snapshot(p);
	while ((r = pcap_next_ex(p, &h, &data)) == 1) {
		/* Touch the ends of what the reader claims to hand out. */
		if (h->caplen > 0)
			sink ^= data[0] ^ data[h->caplen - 1];
	}
	(void)sink;
	pcap_close(p);	/* closes f */
}

static void fuzz_savefile(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz", 0);

	if (fd >= 0) {
		if (write(fd, data, size) == (ssize_t)size &&
		    lseek(fd, 0, SEEK_SET) == 0) {
			fuzz_read_all(fdopen(dup(fd), "rb"), PCAP_TSTAMP_PRECISION_MICRO);
			lseek(fd, 0, SEEK_SET);
			fuzz_read_all(fdopen(dup(fd), "rb"), PCAP_TSTAMP_PRECISION_NANO);
		}
		close(fd);
	}
	if (size > 0)
		fuzz_read_all(fmemopen((void *)data, size, "rb"),
			      PCAP_TSTAMP_PRECISION_MICRO);
}

#endif
