/*
 * bpf-objects: counts the BPF objects our library makes that are loaded
 * in the kernel now (the kernel's, not one network namespace's): maps
 * whose name starts with "accel_" and programs named "pcap_filter".
 * Prints "maps N progs M"; cycles.sh checks both are 0 once every handle
 * is closed.  Raw bpf(2), so it needs no libbpf; root.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof *attr);
}

/* Counts the objects of one kind (maps or programs) whose name starts
 * with PREFIX; -1 when the kernel cannot be asked. */
static long count(int next_cmd, int fd_cmd, const char *prefix)
{
	union bpf_attr attr;
	__u32 id = 0;
	long n = 0;

	for (;;) {
		struct bpf_map_info map;
		struct bpf_prog_info prog;
		const char *name;
		int fd;

		memset(&attr, 0, sizeof attr);
		attr.start_id = id;
		if (sys_bpf(next_cmd, &attr) < 0)
			return errno == ENOENT ? n : -1;
		id = attr.next_id;
		memset(&attr, 0, sizeof attr);
		if (fd_cmd == BPF_MAP_GET_FD_BY_ID)
			attr.map_id = id;
		else
			attr.prog_id = id;
		fd = (int)sys_bpf(fd_cmd, &attr);
		if (fd < 0)
			continue;	/* gone meanwhile */
		memset(&attr, 0, sizeof attr);
		memset(&map, 0, sizeof map);
		memset(&prog, 0, sizeof prog);
		attr.info.bpf_fd = (__u32)fd;
		if (fd_cmd == BPF_MAP_GET_FD_BY_ID) {
			attr.info.info_len = sizeof map;
			attr.info.info = (__u64)(unsigned long)&map;
			name = map.name;
		} else {
			attr.info.info_len = sizeof prog;
			attr.info.info = (__u64)(unsigned long)&prog;
			name = prog.name;
		}
		if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) == 0 &&
		    strncmp(name, prefix, strlen(prefix)) == 0)
			n++;
		close(fd);
	}
}

int main(void)
{
	long maps = count(BPF_MAP_GET_NEXT_ID, BPF_MAP_GET_FD_BY_ID, "accel_");
	long progs = count(BPF_PROG_GET_NEXT_ID, BPF_PROG_GET_FD_BY_ID,
			   "pcap_filter");

	if (maps < 0 || progs < 0) {
		fprintf(stderr, "bpf-objects: cannot list BPF objects: %s\n",
			strerror(errno));
		return 1;
	}
	printf("maps %ld progs %ld\n", maps, progs);
	return 0;
}
