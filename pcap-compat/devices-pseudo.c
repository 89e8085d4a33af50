/*
 * devices-pseudo.c: the devices that are not network interfaces, listed
 * as Debian's libpcap 1.10 lists them -- "any", Bluetooth adapters and
 * monitor, usbmon buses, netfilter log and queue, D-Bus buses.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pcap-compat/devices.h"

#define NOT_APPLICABLE PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE

/* A device listed whenever its source is there. */
struct fixed_dev {
	const char *name;
	bpf_u_int32 flags;
	const char *description;
};

static const struct fixed_dev any_devs[] = {
	{ "any", PCAP_IF_UP | PCAP_IF_RUNNING | NOT_APPLICABLE,
	  "Pseudo-device that captures on all interfaces" },
};

static const struct fixed_dev bluetooth_monitor_devs[] = {
	{ "bluetooth-monitor", PCAP_IF_WIRELESS | NOT_APPLICABLE,
	  "Bluetooth Linux Monitor" },
};

static const struct fixed_dev netfilter_devs[] = {
	{ "nflog", NOT_APPLICABLE, "Linux netfilter log (NFLOG) interface" },
	{ "nfqueue", NOT_APPLICABLE, "Linux netfilter queue (NFQUEUE) interface" },
};

static const struct fixed_dev dbus_devs[] = {
	{ "dbus-system", NOT_APPLICABLE, "D-Bus system bus" },
	{ "dbus-session", NOT_APPLICABLE, "D-Bus session bus" },
};

#define ADD_FIXED(list, devs, errbuf) \
	add_fixed(list, devs, sizeof devs / sizeof devs[0], errbuf)

static int add_fixed(struct dev_list *list, const struct fixed_dev *devs,
		     size_t n, char *errbuf)
{
	for (size_t i = 0; i < n; i++)
		if (dev_list_add(list, devs[i].name, devs[i].flags,
				 devs[i].description, errbuf) == NULL)
			return PCAP_ERROR;
	return 0;
}

int find_any(struct dev_list *list, char *errbuf)
{
	return ADD_FIXED(list, any_devs, errbuf);
}

int find_bluetooth_monitor(struct dev_list *list, char *errbuf)
{
	return ADD_FIXED(list, bluetooth_monitor_devs, errbuf);
}

int find_dbus(struct dev_list *list, char *errbuf)
{
	return ADD_FIXED(list, dbus_devs, errbuf);
}

/* Listed only where the kernel speaks netfilter netlink at all. */
int find_netfilter(struct dev_list *list, char *errbuf)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);

	if (fd < 0) {
		if (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT)
			return 0;
		pcap_errnof(errbuf, errno, "Can't open netlink socket");
		return PCAP_ERROR;
	}
	close(fd);
	return ADD_FIXED(list, netfilter_devs, errbuf);
}

/* The kernel's HCI device-list ioctl (include/net/bluetooth/hci_sock.h). */
#define BTPROTO_HCI	1
#define HCI_MAX_DEV	16
#define HCIGETDEVLIST	_IOR('H', 210, int)

struct hci_dev_req {
	uint16_t dev_id;
	uint32_t dev_opt;
};

struct hci_dev_list_req {
	uint16_t dev_num;
	struct hci_dev_req dev_req[HCI_MAX_DEV];
};

/*
 * One "bluetoothN" per HCI adapter, N its kernel id.  libpcap numbers
 * the descriptions by position in the list, which we keep.
 */
int find_bluetooth_adapters(struct dev_list *list, char *errbuf)
{
	struct hci_dev_list_req req = { .dev_num = HCI_MAX_DEV };
	int fd = socket(AF_BLUETOOTH, SOCK_RAW | SOCK_CLOEXEC, BTPROTO_HCI);
	int status = 0;

	if (fd < 0) {
		if (errno == EAFNOSUPPORT)
			return 0;
		pcap_errnof(errbuf, errno, "Can't open raw Bluetooth socket");
		return PCAP_ERROR;
	}
	if (ioctl(fd, HCIGETDEVLIST, &req) < 0) {
		pcap_errnof(errbuf, errno,
			    "Can't get Bluetooth device list via ioctl");
		close(fd);
		return PCAP_ERROR;
	}
	for (unsigned int i = 0; i < req.dev_num && i < HCI_MAX_DEV; i++) {
		char name[20], description[40];

		snprintf(name, sizeof name, "bluetooth%u", req.dev_req[i].dev_id);
		snprintf(description, sizeof description,
			 "Bluetooth adapter number %u", i);
		if (dev_list_add(list, name, PCAP_IF_WIRELESS, description,
				 errbuf) == NULL) {
			status = PCAP_ERROR;
			break;
		}
	}
	close(fd);
	return status;
}

/*
 * A usbmon bus.  The sizes are libpcap's: a name of at most 9 characters
 * and a description of at most 29, so bus 10 and up read "bus number 1";
 * programs see these names, so ours are cut the same way.
 */
static int add_usbmon_bus(struct dev_list *list, int bus, char *errbuf)
{
	char name[10], description[30];

	snprintf(name, sizeof name, "usbmon%d", bus);
	if (bus == 0)
		return dev_list_add(list, name, NOT_APPLICABLE,
				    "Raw USB traffic, all USB buses",
				    errbuf) != NULL ? 0 : PCAP_ERROR;
	snprintf(description, sizeof description,
		 "Raw USB traffic, bus number %d", bus);
	return dev_list_add(list, name, 0, description, errbuf) != NULL
		       ? 0 : PCAP_ERROR;
}

/*
 * One "usbmonN" per /dev/usbmonN, in directory order.  libpcap lists
 * what it could and reports success even when adding one failed.
 */
int find_usbmon_buses(struct dev_list *list, char *errbuf)
{
	static const char prefix[] = "usbmon";
	DIR *dir = opendir("/dev");
	struct dirent *e;

	if (dir == NULL)
		return 0;
	while ((e = readdir(dir)) != NULL) {
		int bus;

		if (strncmp(e->d_name, prefix, sizeof prefix - 1) != 0 ||
		    sscanf(e->d_name + sizeof prefix - 1, "%d", &bus) != 1)
			continue;
		if (add_usbmon_bus(list, bus, errbuf) != 0)
			break;
	}
	closedir(dir);
	return 0;
}
