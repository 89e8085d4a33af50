/*
 * savefile.c: the savefile source -- telling the formats apart by their
 * first four bytes, the byte input both readers take from (a map of the
 * rest of a regular file, stdio otherwise), and what every savefile
 * handle answers besides packets.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accel/savefile.h"
#include "accel/sources.h"
#include "pcap-compat/linktype.h"

/* ---- the byte input ---------------------------------------------------- */

/*
 * The map is faulted in a window at a time (MADV_POPULATE_READ: one call
 * instead of a fault per 64 KiB), with read-ahead asked for the window
 * after it; a huge file is never pinned in memory all at once.
 */
#define POPULATE_WINDOW (8u << 20)

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22	/* Linux 5.14; older kernels say EINVAL */
#endif

/*
 * Populating failed the way touching the pages would have (SIGBUS): the
 * file was cut short under us.  Read no further than it now ends; stdio
 * takes over there and reports the truncation as libpcap would.
 */
static void clamp_to_file_size(struct sf_input *in)
{
	struct stat st;
	off_t end_off = in->map_off + (off_t)in->map_len;

	if (fstat(fileno(in->fp), &st) == 0 && st.st_size < end_off)
		end_off = st.st_size;
	if (end_off < in->map_off + (in->end - in->map))
		end_off = in->map_off + (in->end - in->map);
	in->map_end = in->map + (end_off - in->map_off);
}

/* Make [cur, cur + want) available; the window never passes map_end. */
static void advance_window(struct sf_input *in, size_t want)
{
	uintptr_t page_mask = (uintptr_t)sysconf(_SC_PAGESIZE) - 1;

	while ((size_t)(in->end - in->cur) < want && in->end < in->map_end) {
		uintptr_t from = (uintptr_t)in->end & ~page_mask;
		size_t left = (size_t)(in->map_end - in->end);
		const u_char *to = in->end + (left < POPULATE_WINDOW
						      ? left : POPULATE_WINDOW);

		if (madvise((void *)from, (uintptr_t)to - from,
			    MADV_POPULATE_READ) != 0 && errno == EFAULT) {
			const u_char *was = in->map_end;

			clamp_to_file_size(in);
			if (in->map_end != was)
				continue;
		}
		if (to < in->map_end) {
			size_t next = (size_t)(in->map_end - to);

			(void)madvise((void *)((uintptr_t)to & ~page_mask),
				      next < POPULATE_WINDOW ? next : POPULATE_WINDOW,
				      MADV_WILLNEED);
		}
		in->end = to;
	}
}

/*
 * Map fp from where it stands to the end of the file.  Anything that
 * cannot be mapped (pipe, socket, fmemopen, an empty rest) is read
 * through stdio instead, exactly as libpcap reads everything.
 */
static void map_rest_of_file(struct sf_input *in)
{
	struct stat st;
	int fd = fileno(in->fp);
	off_t pos, base;
	long page = sysconf(_SC_PAGESIZE);
	void *m;

	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return;
	pos = ftello(in->fp);
	if (pos < 0 || st.st_size <= pos || page <= 0)
		return;
	base = pos - pos % page;
	if ((uintmax_t)(st.st_size - base) > SIZE_MAX)
		return;
	m = mmap(NULL, (size_t)(st.st_size - base), PROT_READ, MAP_PRIVATE, fd,
		 base);
	if (m == MAP_FAILED)
		return;
	/* Read once, front to back: aggressive read-ahead, drop behind. */
	(void)madvise(m, (size_t)(st.st_size - base), MADV_SEQUENTIAL);
	in->map = m;
	in->map_len = (size_t)(st.st_size - base);
	in->map_off = base;
	in->map_end = in->map + in->map_len;
	in->cur = in->map + (pos - base);
	in->end = in->cur;
	in->mapped = true;
}

void sf_input_init(struct sf_input *in, FILE *fp)
{
	memset(in, 0, sizeof *in);
	in->fp = fp;
	map_rest_of_file(in);
}

void sf_input_release(struct sf_input *in)
{
	if (in->map != NULL)
		munmap(in->map, in->map_len);
	free(in->buf);
	free(in->copy);
	memset(in, 0, sizeof *in);
}

static bool ensure_buf(struct sf_input *in, size_t n)
{
	u_char *bigger;
	size_t size = n > 2048 ? n : 2048;

	if (in->buf != NULL && n <= in->buf_size)
		return true;
	bigger = realloc(in->buf, size);
	if (bigger == NULL)
		return false;
	in->buf = bigger;
	in->buf_size = size;
	return true;
}

/*
 * The map is used up: carry on through stdio from the same offset, so a
 * file still being written is read as far as it has grown, as libpcap
 * would.  The map stays until release: its pointers may still be in use.
 */
static void leave_map(struct sf_input *in)
{
	off_t pos = in->map_off + (in->cur - in->map);

	in->mapped = false;
	(void)ensure_buf(in, 0);	/* a zero-length take needs a pointer */
	in->cur = in->end = in->buf;
	if (fseeko(in->fp, pos, SEEK_SET) != 0)
		in->error = errno;
}

size_t sf_take_slow(struct sf_input *in, size_t n, const u_char **data)
{
	size_t got;

	in->error = 0;
	if (in->mapped) {
		advance_window(in, n);
		if ((size_t)(in->end - in->cur) >= n) {
			*data = in->cur;
			in->cur += n;
			return n;
		}
		leave_map(in);
	}
	if (in->error != 0 || !ensure_buf(in, n)) {
		if (in->error == 0)
			in->error = ENOMEM;
		*data = in->buf;
		return 0;
	}
	got = fread(in->buf, 1, n, in->fp);
	if (got != n && ferror(in->fp))
		in->error = errno != 0 ? errno : EIO;
	in->cur = in->end = in->buf;
	*data = in->buf;
	return got;
}

size_t sf_read(struct sf_input *in, void *dst, size_t n)
{
	const u_char *src;
	size_t got = sf_take(in, n, &src);

	memcpy(dst, src, got);
	return got;
}

size_t sf_skip(struct sf_input *in, size_t n)
{
	u_char discard[4096];
	size_t done = 0;

	in->error = 0;
	if (in->mapped) {
		size_t avail = (size_t)(in->map_end - in->cur);

		if (avail >= n) {
			in->cur += n;
			if (in->end < in->cur)
				in->end = in->cur;	/* skipped, not faulted */
			return n;
		}
		in->cur = in->end = in->map_end;
		done = avail;
		leave_map(in);
		if (in->error != 0)
			return done;
	}
	/* Not into buf: the bytes taken just before must stay intact. */
	while (done < n) {
		size_t want = n - done < sizeof discard ? n - done : sizeof discard;
		size_t got = fread(discard, 1, want, in->fp);

		done += got;
		if (got != want) {
			if (ferror(in->fp))
				in->error = errno != 0 ? errno : EIO;
			break;
		}
	}
	return done;
}

void sf_read_error(const struct sf_input *in, char *errbuf)
{
	pcap_errnof(errbuf, in->error, "error reading dump file");
}

u_char *sf_private_copy(struct sf_input *in, const u_char *data, size_t n)
{
	if (n > in->copy_size || in->copy == NULL) {
		u_char *bigger = realloc(in->copy, n > 0 ? n : 1);

		if (bigger == NULL)
			return NULL;
		in->copy = bigger;
		in->copy_size = n;
	}
	memcpy(in->copy, data, n);
	return in->copy;
}

/* ---- what both formats share ------------------------------------------- */

void sf_bad_precision(char *errbuf, u_int precision)
{
	pcap_errf(errbuf, "unknown time stamp resolution %u", precision);
}

u_int sf_adjust_snaplen(int dlt, uint32_t snaplen)
{
	if (snaplen == 0 || snaplen > INT_MAX)
		return max_snaplen_for_dlt(dlt);
	return snaplen;
}

int sf_inject(pcap_t *p, const void *buf, size_t size)
{
	(void)buf, (void)size;
	pcap_errf(p->errbuf, "Sending packets isn't supported on savefiles");
	return PCAP_ERROR;
}

int sf_set_direction(pcap_t *p, pcap_direction_t d)
{
	(void)d;
	pcap_errf(p->errbuf, "Setting direction is not supported on savefiles");
	return PCAP_ERROR;
}

int sf_get_nonblock(pcap_t *p)
{
	(void)p;
	return 0;	/* a file never blocks */
}

int sf_set_nonblock(pcap_t *p, int nonblock)
{
	(void)nonblock;
	pcap_errf(p->errbuf, "Savefiles cannot be put into non-blocking mode");
	return PCAP_ERROR;
}

int sf_stats(pcap_t *p, struct pcap_stat *ps)
{
	(void)ps;
	pcap_errf(p->errbuf, "Statistics aren't available from savefiles");
	return PCAP_ERROR;
}

int sf_can_set_rfmon(pcap_t *p)
{
	(void)p;
	return 0;
}

void sf_close_input(pcap_t *p, struct sf_input *in)
{
	/* stdin stays open: leave it where libpcap's freads would have. */
	if (p->rfile == stdin && in->mapped)
		(void)fseeko(stdin, in->map_off + (in->cur - in->map), SEEK_SET);
	sf_input_release(in);
	if (p->rfile != NULL && p->rfile != stdin)
		fclose(p->rfile);
	p->rfile = NULL;
}

/* ---- opening ------------------------------------------------------------ */

/* Tried in libpcap's order: the first to recognise the magic reads it. */
static int (*const format_openers[])(struct sf_input *, const u_char[4],
				     u_int, char *, pcap_t **) = {
	sf_pcap_open,
	sf_pcapng_open,
};

static pcap_t *open_format(struct sf_input *in, u_int precision,
			   char *errbuf)
{
	u_char magic[4];
	size_t got = sf_read(in, magic, sizeof magic);
	pcap_t *p = NULL;

	if (got != sizeof magic) {
		if (in->error != 0)
			sf_read_error(in, errbuf);
		else
			pcap_errf(errbuf,
				  "truncated dump file; tried to read %zu file header bytes, only got %zu",
				  sizeof magic, got);
		return NULL;
	}
	for (size_t i = 0;
	     i < sizeof format_openers / sizeof format_openers[0]; i++) {
		int status = format_openers[i](in, magic, precision, errbuf, &p);

		if (status > 0)
			return p;
		if (status < 0)
			return NULL;
	}
	pcap_errf(errbuf, "unknown file format");
	return NULL;
}

pcap_t *savefile_open(FILE *fp, u_int precision, char *errbuf)
{
	struct sf_input in;
	pcap_t *p;

	sf_input_init(&in, fp);
	p = open_format(&in, precision, errbuf);
	sf_input_release(&in);	/* a no-op when the handle took it over */
	if (p == NULL)
		return NULL;
	p->rfile = fp;
	/* libpcap: select() works on files; pcap_fileno stays -1. */
	p->selectable_fd = fileno(fp);
	p->opt.tstamp_precision = (int)precision;
	p->activated = true;
	return p;
}
