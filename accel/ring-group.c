/*
 * ring-group.c: bpfring group membership (see ring-group.h).
 */
#include "config.h"

#include "accel/ring-group.h"

#include <stdarg.h>
#include <stdio.h>

#if defined(HAVE_LIBBPF)

#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "accel/tc-ring.h"
#include "filter-jit/ebpf.h"
#include "pcap-compat/errbuf.h"

#define REGISTRY_DIR "/run/accel-pcap"
#define MAP_NAME "accel_group"
#define MAP_ENTRIES (1 + BPFRING_GROUP_SLOTS)

struct ring_group {
	char path[128];		/* the registry file; slot files add ".N" */
	int lock_fd, slot_fd, map_fd;
	uint32_t slot;
	time_t last_tick;
};

static uint32_t get(const struct ring_group *g, uint32_t key)
{
	uint32_t v = BPFRING_SLOT_FREE;

	bpf_map_lookup_elem(g->map_fd, &key, &v);
	return v;
}

static void set(const struct ring_group *g, uint32_t key, uint32_t v)
{
	bpf_map_update_elem(g->map_fd, &key, &v, 0);
}

/* The slot file of slot s, locked (LOCK_NB): its fd, or -1 if a live
 * member holds it. */
static int lock_slot(const struct ring_group *g, uint32_t s)
{
	char path[160];
	int fd;

	snprintf(path, sizeof path, "%s.%u", g->path, s);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Under the registry lock: free the slots whose members died, then give
 * the live ones ranks 0..n-1 in slot order and set n. */
static void renumber(const struct ring_group *g)
{
	uint32_t n = 0;

	for (uint32_t s = 0; s < BPFRING_GROUP_SLOTS; s++) {
		int fd;

		if (get(g, 1 + s) == BPFRING_SLOT_FREE)
			continue;
		if (s != g->slot && (fd = lock_slot(g, s)) >= 0) {
			close(fd);		/* nobody holds it: dead */
			set(g, 1 + s, BPFRING_SLOT_FREE);
			continue;
		}
		set(g, 1 + s, n++);
	}
	set(g, 0, n);
}

/* The group's array from the registry, or a new one recorded there. */
static int find_map(struct ring_group *g, char *errbuf)
{
	char text[32] = "";
	struct bpf_map_info info;
	uint32_t len = sizeof info, id;

	if (pread(g->lock_fd, text, sizeof text - 1, 0) > 0 &&
	    sscanf(text, "map %u", &id) == 1 &&
	    (g->map_fd = bpf_map_get_fd_by_id(id)) >= 0) {
		memset(&info, 0, sizeof info);
		if (bpf_obj_get_info_by_fd(g->map_fd, &info, &len) == 0 &&
		    strcmp(info.name, MAP_NAME) == 0 &&
		    info.max_entries == MAP_ENTRIES)
			return 0;
		close(g->map_fd);	/* the id went to another map */
	}
	g->map_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, MAP_NAME, 4, 4,
				   MAP_ENTRIES, NULL);
	memset(&info, 0, sizeof info);
	if (g->map_fd < 0 ||
	    bpf_obj_get_info_by_fd(g->map_fd, &info, &len) != 0) {
		pcap_errf(errbuf, "bpfring group map: %s", strerror(errno));
		return -1;
	}
	for (uint32_t s = 0; s < BPFRING_GROUP_SLOTS; s++)
		set(g, 1 + s, BPFRING_SLOT_FREE);
	set(g, 0, 0);
	snprintf(text, sizeof text, "map %u\n", info.id);
	if (ftruncate(g->lock_fd, 0) != 0 ||
	    pwrite(g->lock_fd, text, strlen(text), 0) < 0) {
		pcap_errf(errbuf, "%s: %s", g->path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Open and lock the registry -- the one at the path once it is locked:
 * the last member to leave removes it. */
static int lock_registry(struct ring_group *g)
{
	if (mkdir(REGISTRY_DIR, 0700) != 0 && errno != EEXIST)
		return -1;
	for (;;) {
		struct stat locked, named;

		g->lock_fd = open(g->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (g->lock_fd < 0 || flock(g->lock_fd, LOCK_EX) != 0)
			return -1;
		if (fstat(g->lock_fd, &locked) == 0 &&
		    stat(g->path, &named) == 0 && locked.st_ino == named.st_ino &&
		    locked.st_dev == named.st_dev)
			return 0;
		close(g->lock_fd);	/* removed meanwhile: again */
		g->lock_fd = -1;
	}
}

/* Under the lock, by the last member out: the registry and slot files. */
static void remove_files(const struct ring_group *g)
{
	char path[160];

	for (uint32_t s = 0; s < BPFRING_GROUP_SLOTS; s++) {
		snprintf(path, sizeof path, "%s.%u", g->path, s);
		unlink(path);
	}
	unlink(g->path);
}

int ring_group_join(unsigned group, int ifindex, struct ring_group **out,
		    char *errbuf)
{
	struct ring_group *g = calloc(1, sizeof *g);
	struct stat ns;

	*out = NULL;
	if (g == NULL) {
		pcap_errf(errbuf, "malloc: %s", strerror(errno));
		return -1;
	}
	g->lock_fd = g->slot_fd = g->map_fd = -1;
	g->slot = BPFRING_SLOT_FREE;
	if (stat("/proc/self/ns/net", &ns) != 0)
		ns.st_ino = 0;
	snprintf(g->path, sizeof g->path, "%s/bpfring-%lu-%d-%u", REGISTRY_DIR,
		 (unsigned long)ns.st_ino, ifindex, group);
	if (lock_registry(g) != 0) {
		pcap_errf(errbuf, "bpfring group %u: %s: %s", group, g->path,
			  strerror(errno));
		goto fail;
	}
	if (find_map(g, errbuf) != 0)
		goto fail_locked;
	g->slot = BPFRING_SLOT_FREE;	/* renumber frees the dead first */
	renumber(g);
	for (uint32_t s = 0; s < BPFRING_GROUP_SLOTS; s++)
		if (get(g, 1 + s) == BPFRING_SLOT_FREE &&
		    (g->slot_fd = lock_slot(g, s)) >= 0) {
			g->slot = s;
			set(g, 1 + s, 0);
			break;
		}
	if (g->slot_fd < 0) {
		pcap_errf(errbuf, "bpfring group %u is full (%d members)", group,
			  BPFRING_GROUP_SLOTS);
		goto fail_locked;
	}
	renumber(g);
	flock(g->lock_fd, LOCK_UN);
	g->last_tick = time(NULL);
	*out = g;
	return 0;
fail_locked:
	flock(g->lock_fd, LOCK_UN);
fail:
	ring_group_leave(g);
	return -1;
}

void ring_group_leave(struct ring_group *g)
{
	if (g == NULL)
		return;
	if (g->map_fd >= 0 && g->slot != BPFRING_SLOT_FREE &&
	    flock(g->lock_fd, LOCK_EX) == 0) {
		set(g, 1 + g->slot, BPFRING_SLOT_FREE);
		g->slot = BPFRING_SLOT_FREE;
		renumber(g);
		if (get(g, 0) == 0)
			remove_files(g);
		flock(g->lock_fd, LOCK_UN);
	}
	if (g->slot_fd >= 0)
		close(g->slot_fd);
	if (g->map_fd >= 0)
		close(g->map_fd);
	if (g->lock_fd >= 0)
		close(g->lock_fd);
	free(g);
}

int ring_group_map_fd(const struct ring_group *g)
{
	return g->map_fd;
}

uint32_t ring_group_slot(const struct ring_group *g)
{
	return g->slot;
}

void ring_group_tick(struct ring_group *g)
{
	time_t now = time(NULL);

	if (now == g->last_tick)
		return;
	g->last_tick = now;
	if (flock(g->lock_fd, LOCK_EX | LOCK_NB) != 0)
		return;		/* someone is at it */
	renumber(g);
	flock(g->lock_fd, LOCK_UN);
}

#else

int ring_group_join(unsigned group, int ifindex, struct ring_group **out,
		    char *errbuf)
{
	*out = NULL;
	snprintf(errbuf, 256, "bpfring groups are not built (no libbpf)");
	return -1;
}

void ring_group_leave(struct ring_group *g)
{
}

int ring_group_map_fd(const struct ring_group *g)
{
	return -1;
}

uint32_t ring_group_slot(const struct ring_group *g)
{
	return 0;
}

void ring_group_tick(struct ring_group *g)
{
}

#endif
