/*
 * dumper.c: writing pcap savefiles (pcap_dump_*).  As in libpcap, a
 * pcap_dumper_t is nothing but the stdio FILE it writes to: programs cast
 * between the two, and pcap_loop hands it to pcap_dump as its user pointer.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#if __has_include(<sys/single_threaded.h>)
#include <sys/single_threaded.h>
#define PROCESS_HAS_THREADS() (!__libc_single_threaded)
#else
#define PROCESS_HAS_THREADS() true
#endif

#include "pcap-compat/linktype.h"
#include "pcap-compat/pcap-int.h"

#define MAGIC_MICRO 0xa1b2c3d4u
#define MAGIC_NANO 0xa1b23c4du
/* Old patched formats a reader accepts but we must not extend. */
#define MAGIC_KUZNETZOV 0xa1b2cd34u
#define MAGIC_NAVTEL 0xa12b3c4du

enum {
	SAVEFILE_VERSION_MAJOR = 2,
	SAVEFILE_VERSION_MINOR = 4,
};

/* The savefile header, in this host's byte order. */
struct file_header {
	uint32_t magic;
	uint16_t version_major;
	uint16_t version_minor;
	int32_t thiszone;
	uint32_t sigfigs;
	uint32_t snaplen;
	uint32_t linktype;
};

/* A record header: the time stamp is truncated to 32 bits, as libpcap does. */
struct record_header {
	int32_t sec;
	int32_t subsec;
	uint32_t caplen;
	uint32_t len;
};

_Static_assert(sizeof(struct file_header) == 24, "file header is 24 bytes");
_Static_assert(sizeof(struct record_header) == 16, "record header is 16 bytes");

static FILE *as_file(pcap_dumper_t *d)
{
	return (FILE *)d;
}

static uint32_t magic_for_precision(int precision)
{
	return precision == PCAP_TSTAMP_PRECISION_NANO ? MAGIC_NANO
						       : MAGIC_MICRO;
}

static int write_file_header(pcap_t *p, FILE *f, int linktype)
{
	struct file_header h = {
		.magic = magic_for_precision(p->opt.tstamp_precision),
		.version_major = SAVEFILE_VERSION_MAJOR,
		.version_minor = SAVEFILE_VERSION_MINOR,
		.thiszone = 0,
		.sigfigs = 0,
		.snaplen = (uint32_t)p->snapshot,
		.linktype = (uint32_t)linktype,
	};

	return fwrite(&h, sizeof h, 1, f) == 1 ? 0 : -1;
}

/* Write the header to an open stream; on failure the stream is closed
 * (unless it is stdout), as libpcap does even for pcap_dump_fopen. */
static pcap_dumper_t *start_dump(pcap_t *p, int linktype, FILE *f,
				 const char *what)
{
	if (write_file_header(p, f, linktype) != 0) {
		pcap_errnof(p->errbuf, errno, "Can't write to %s", what);
		if (f != stdout)
			fclose(f);
		return NULL;
	}
	return (pcap_dumper_t *)f;
}

static int unsupported_dlt(pcap_t *p, const char *what, int dlt)
{
	pcap_errf(p->errbuf, "%s: link-layer type %d isn't supported in savefiles",
		  what, dlt);
	return -1;
}

static bool is_stdout_name(const char *fname)
{
	return fname[0] == '-' && fname[1] == '\0';
}

static pcap_dumper_t *null_file_name(pcap_t *p)
{
	pcap_errf(p->errbuf, "A null pointer was supplied as the file name");
	return NULL;
}

PCAP_EXPORT pcap_dumper_t *pcap_dump_open(pcap_t *p, const char *fname)
{
	int linktype;
	FILE *f;

	/* Message order and "(null)" names follow libpcap's checks. */
	if (!p->activated) {
		pcap_errf(p->errbuf,
			  "%s: not-yet-activated pcap_t passed to pcap_dump_open",
			  fname);
		return NULL;
	}
	linktype = dlt_to_linktype(p->linktype);
	if (linktype == -1) {
		unsupported_dlt(p, fname, p->linktype);
		return NULL;
	}
	linktype |= p->linktype_ext;
	if (fname == NULL)
		return null_file_name(p);
	if (is_stdout_name(fname))
		return start_dump(p, linktype, stdout, "standard output");
	f = fopen(fname, "wb");
	if (f == NULL) {
		pcap_errnof(p->errbuf, errno, "%s", fname);
		return NULL;
	}
	return start_dump(p, linktype, f, fname);
}

PCAP_EXPORT pcap_dumper_t *pcap_dump_fopen(pcap_t *p, FILE *f)
{
	int linktype = dlt_to_linktype(p->linktype);

	if (linktype == -1) {
		unsupported_dlt(p, "stream", p->linktype);
		return NULL;
	}
	return start_dump(p, linktype | p->linktype_ext, f, "stream");
}

/*
 * Appending: what an existing header must say for us to extend the file.
 * Each check returns NULL if it passes, else libpcap's complaint (printed
 * after "fname: ").
 */
static const char *check_append_magic(const pcap_t *p, uint32_t magic)
{
	static const char precision_differs[] =
		"different time stamp precision, cannot append to file";

	switch (magic) {
	case MAGIC_MICRO:
		return p->opt.tstamp_precision == PCAP_TSTAMP_PRECISION_MICRO
			       ? NULL : precision_differs;
	case MAGIC_NANO:
		return p->opt.tstamp_precision == PCAP_TSTAMP_PRECISION_NANO
			       ? NULL : precision_differs;
	case __builtin_bswap32(MAGIC_MICRO):
	case __builtin_bswap32(MAGIC_NANO):
		return "different byte order, cannot append to file";
	case MAGIC_KUZNETZOV:
	case __builtin_bswap32(MAGIC_KUZNETZOV):
	case MAGIC_NAVTEL:
	case __builtin_bswap32(MAGIC_NAVTEL):
		return "not a pcap file to which we can append";
	default:
		return "not a pcap file";
	}
}

/* Fills p->errbuf and returns -1 if the file's header forbids appending. */
static int check_append_header(pcap_t *p, const char *fname,
			       const struct file_header *h, int linktype)
{
	const char *why = check_append_magic(p, h->magic);

	if (why != NULL) {
		pcap_errf(p->errbuf, "%s: %s", fname, why);
		return -1;
	}
	if (h->version_major != SAVEFILE_VERSION_MAJOR ||
	    h->version_minor != SAVEFILE_VERSION_MINOR) {
		pcap_errf(p->errbuf, "%s: version is %u.%u, cannot append to file",
			  fname, h->version_major, h->version_minor);
		return -1;
	}
	if (h->linktype != (uint32_t)linktype) {
		pcap_errf(p->errbuf,
			  "%s: different linktype, cannot append to file", fname);
		return -1;
	}
	if (h->snaplen != (uint32_t)p->snapshot) {
		pcap_errf(p->errbuf,
			  "%s: different snaplen, cannot append to file", fname);
		return -1;
	}
	return 0;
}

/*
 * Read what header the file has: 0 and *got = bytes read (0 for an empty
 * file, else a whole header), or -1 with the reason in p->errbuf.
 */
static int read_existing_header(pcap_t *p, FILE *f, const char *fname,
				struct file_header *h, size_t *got)
{
	/* Where an append-mode stream starts is implementation-defined. */
	if (fseek(f, 0, SEEK_SET) == -1) {
		pcap_errnof(p->errbuf, errno,
			    "Can't seek to the beginning of %s", fname);
		return -1;
	}
	*got = fread(h, 1, sizeof *h, f);
	if (*got == sizeof *h)
		return 0;
	if (ferror(f)) {
		pcap_errnof(p->errbuf, errno, "%s", fname);
		return -1;
	}
	if (*got > 0) {
		pcap_errf(p->errbuf, "%s: truncated pcap file header", fname);
		return -1;
	}
	return 0;
}

/* Check or write the header of an "ab+" stream, then go to its end. */
static int prepare_append(pcap_t *p, FILE *f, const char *fname,
			  int linktype)
{
	struct file_header h;
	size_t got;

	if (read_existing_header(p, f, fname, &h, &got) != 0)
		return -1;
	if (got > 0) {
		if (check_append_header(p, fname, &h, linktype) != 0)
			return -1;
	} else if (write_file_header(p, f, linktype) != 0) {
		pcap_errnof(p->errbuf, errno, "Can't write to %s", fname);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) == -1) {
		pcap_errnof(p->errbuf, errno, "Can't seek to the end of %s",
			    fname);
		return -1;
	}
	return 0;
}

PCAP_EXPORT pcap_dumper_t *pcap_dump_open_append(pcap_t *p, const char *fname)
{
	/*
	 * libpcap neither checks activation here nor adds linktype_ext
	 * (to the header it writes or to the one it compares), and its
	 * unsupported-type message shows the failed mapping, -1.
	 */
	int linktype = dlt_to_linktype(p->linktype);
	FILE *f;

	if (linktype == -1) {
		unsupported_dlt(p, fname, linktype);
		return NULL;
	}
	if (fname == NULL)
		return null_file_name(p);
	if (is_stdout_name(fname))
		return start_dump(p, linktype, stdout, "standard output");
	/* "a" creates without truncating, and lets us read the header. */
	f = fopen(fname, "ab+");
	if (f == NULL) {
		pcap_errnof(p->errbuf, errno, "%s", fname);
		return NULL;
	}
	if (prepare_append(p, f, fname, linktype) != 0) {
		fclose(f);
		return NULL;
	}
	return (pcap_dumper_t *)f;
}

/*
 * The hot path of "tcpdump -w": two unlocked stdio writes, no syscall
 * unless the buffer fills.  The stream lock is taken only once the
 * process has threads; it then also keeps a record's two parts together.
 */
PCAP_EXPORT void pcap_dump(u_char *user, const struct pcap_pkthdr *h,
			   const u_char *sp)
{
	FILE *f = (FILE *)user;
	bool lock = PROCESS_HAS_THREADS();
	struct record_header r = {
		.sec = (int32_t)h->ts.tv_sec,
		.subsec = (int32_t)h->ts.tv_usec,
		.caplen = h->caplen,
		.len = h->len,
	};

	if (lock)
		flockfile(f);
	/*
	 * A record that fits the stream's buffer goes straight into it, as
	 * putc_unlocked does a byte (a fully buffered glibc stream with room:
	 * unbuffered and line-buffered streams never have room there).
	 */
	if ((size_t)(f->_IO_write_end - f->_IO_write_ptr) >= sizeof r + h->caplen &&
	    !ferror_unlocked(f)) {
		memcpy(f->_IO_write_ptr, &r, sizeof r);
		memcpy(f->_IO_write_ptr + sizeof r, sp, h->caplen);
		f->_IO_write_ptr += sizeof r + h->caplen;
	}
	/*
	 * A stream in error has probably lost part of a record already;
	 * writing more would only hide where the damage is.  The data
	 * follows only a complete record header.
	 */
	else if (!ferror_unlocked(f) && fwrite_unlocked(&r, sizeof r, 1, f) == 1)
		fwrite_unlocked(sp, h->caplen, 1, f);
	if (lock)
		funlockfile(f);
}

PCAP_EXPORT FILE *pcap_dump_file(pcap_dumper_t *d)
{
	return as_file(d);
}

PCAP_EXPORT long pcap_dump_ftell(pcap_dumper_t *d)
{
	return ftell(as_file(d));
}

PCAP_EXPORT int64_t pcap_dump_ftell64(pcap_dumper_t *d)
{
	return ftello(as_file(d));
}

PCAP_EXPORT int pcap_dump_flush(pcap_dumper_t *d)
{
	return fflush(as_file(d)) == EOF ? -1 : 0;
}

PCAP_EXPORT void pcap_dump_close(pcap_dumper_t *d)
{
	/* libpcap ignores fclose's result: the API has no way to report it. */
	fclose(as_file(d));
}
