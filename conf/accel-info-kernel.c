/*
 * accel-info-kernel.c: accel-info's questions to the kernel -- ethtool
 * (driver, channels, time stamping), sysfs (queues), rtnetlink (XDP
 * program) -- and what is known of drivers' XDP support.
 */
#include "config.h"

#include <dirent.h>
#include <linux/bpf.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "conf/accel-info-kernel.h"

/* Drivers with native XDP (ndo_bpf), and those with AF_XDP zero-copy. */
static const struct {
	const char *driver;
	bool zero_copy;
} xdp_drivers[] = {
	{ "veth", false },	{ "virtio_net", false }, { "tun", false },
	{ "ixgbe", true },	{ "ixgbevf", false },	 { "i40e", true },
	{ "ice", true },	{ "igb", false },	 { "igc", true },
	{ "mlx4_en", false },	{ "mlx5_core", true },	 { "bnxt_en", false },
	{ "nfp", false },	{ "qede", false },	 { "ena", false },
	{ "sfc", false },	{ "hv_netvsc", false },	 { "mvneta", false },
	{ "mvpp2", false },
};

#define XDP_DRIVER_COUNT (sizeof xdp_drivers / sizeof xdp_drivers[0])

bool kernel_driver_native_xdp(const char *driver)
{
	for (size_t i = 0; i < XDP_DRIVER_COUNT; i++)
		if (strcmp(driver, xdp_drivers[i].driver) == 0)
			return true;
	return false;
}

bool kernel_driver_zero_copy(const char *driver)
{
	for (size_t i = 0; i < XDP_DRIVER_COUNT; i++)
		if (strcmp(driver, xdp_drivers[i].driver) == 0)
			return xdp_drivers[i].zero_copy;
	return false;
}

static int ethtool(int fd, const char *name, void *cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	ifr.ifr_data = cmd;
	return ioctl(fd, SIOCETHTOOL, &ifr);
}

static void probe_ethtool(const char *name, struct kernel_dev *out)
{
	struct ethtool_drvinfo drv = { .cmd = ETHTOOL_GDRVINFO };
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ethtool_ts_info ts = { .cmd = ETHTOOL_GET_TS_INFO };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	if (ethtool(fd, name, &drv) == 0) {
		snprintf(out->driver, sizeof out->driver, "%s", drv.driver);
		snprintf(out->version, sizeof out->version, "%s", drv.version);
		snprintf(out->bus_info, sizeof out->bus_info, "%s",
			 drv.bus_info);
	}
	if (ethtool(fd, name, &ch) == 0 && ch.rx_count + ch.combined_count > 0) {
		out->rx_queues = (int)(ch.rx_count + ch.combined_count);
		out->rx_queues_from = "ethtool channels";
	}
	if (ethtool(fd, name, &ts) == 0) {
		out->have_ts = true;
		out->so_timestamping = ts.so_timestamping;
		out->phc_index = ts.phc_index;
		out->hwtstamp_rx_filters = ts.rx_filters;
	}
	close(fd);
}

/* The queues sysfs lists, when the driver has no channels to report. */
static void probe_sysfs_queues(const char *name, struct kernel_dev *out)
{
	char path[128];
	struct dirent *de;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof path, "/sys/class/net/%s/queues", name);
	dir = opendir(path);
	if (dir == NULL)
		return;
	while ((de = readdir(dir)) != NULL)
		n += strncmp(de->d_name, "rx-", 3) == 0;
	closedir(dir);
	if (n > 0) {
		out->rx_queues = n;
		out->rx_queues_from = "sysfs";
	}
}

/* IFLA_XDP of an RTM_NEWLINK message: what is attached, which program. */
static void read_xdp_attr(const struct rtattr *xdp, struct kernel_dev *out)
{
	int len = (int)RTA_PAYLOAD(xdp);

	for (const struct rtattr *a = RTA_DATA(xdp); RTA_OK(a, len);
	     a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFLA_XDP_ATTACHED)
			out->xdp_attached = *(const uint8_t *)RTA_DATA(a);
		else if (a->rta_type == IFLA_XDP_PROG_ID)
			out->xdp_prog_id = *(const uint32_t *)RTA_DATA(a);
	}
}

static void probe_xdp(struct kernel_dev *out)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = { .nlmsg_len = sizeof req, .nlmsg_type = RTM_GETLINK,
			.nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = 1 },
		.ifi = { .ifi_family = AF_UNSPEC, .ifi_index = (int)out->ifindex },
	};
	union {
		struct nlmsghdr nh;
		char bytes[32768];
	} reply;
	const struct nlmsghdr *nh = &reply.nh;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	ssize_t n;
	int len;

	if (fd < 0)
		return;
	if (send(fd, &req, sizeof req, 0) < 0 ||
	    (n = recv(fd, &reply, sizeof reply, 0)) < 0 ||
	    !NLMSG_OK(nh, (size_t)n) || nh->nlmsg_type != RTM_NEWLINK) {
		close(fd);
		return;
	}
	close(fd);
	len = (int)IFLA_PAYLOAD(nh);
	for (const struct rtattr *a = IFLA_RTA(NLMSG_DATA(nh)); RTA_OK(a, len);
	     a = RTA_NEXT(a, len))
		if (a->rta_type == IFLA_XDP)
			read_xdp_attr(a, out);
}

/* Programs on the device's TCX hooks (Linux 6.6+; root): BPF_PROG_QUERY
 * through the raw system call, so accel-info needs no libbpf. */
static void probe_tcx(struct kernel_dev *out)
{
	static const uint32_t hooks[2] = { 46, 47 };	/* BPF_TCX_IN/EGRESS */

	for (int d = 0; d < 2; d++) {
		union bpf_attr attr;

		memset(&attr, 0, sizeof attr);
		attr.query.target_fd = out->ifindex;	/* target_ifindex */
		attr.query.attach_type = hooks[d];
		out->tcx_programs[d] =
			syscall(__NR_bpf, BPF_PROG_QUERY, &attr, sizeof attr) == 0
				? (int)attr.query.prog_cnt : -1;
	}
}

void kernel_dev_probe(const char *name, struct kernel_dev *out)
{
	memset(out, 0, sizeof *out);
	out->rx_queues = -1;
	out->xdp_attached = -1;
	out->tcx_programs[0] = out->tcx_programs[1] = -1;
	out->phc_index = -1;
	out->ifindex = if_nametoindex(name);
	if (out->ifindex == 0)
		return;
	probe_ethtool(name, out);
	if (out->rx_queues < 0)
		probe_sysfs_queues(name, out);
	probe_xdp(out);
	probe_tcx(out);
}
