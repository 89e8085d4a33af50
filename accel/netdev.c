/*
 * netdev.c: device checks, promiscuous mode and the hand-over of an accel
 * handle, for the sources without an AF_PACKET ring (see netdev.h).
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>		/* before any linux/ header that has if.h */
#include <net/if_arp.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "accel/netdev.h"
#include "accel/tpacket.h"

int netdev_check_ethernet(pcap_t *p, const char *dev, const char *backend)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), status = 0;

	if (fd < 0) {
		pcap_errnof(p->errbuf, errno, "socket");
		return PCAP_ERROR;
	}
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", dev);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
		status = errno == ENODEV || errno == ENXIO
			 ? PCAP_ERROR_NO_SUCH_DEVICE : PCAP_ERROR;
		pcap_errnof(p->errbuf, errno, "%s", dev);
	} else if (!(ifr.ifr_flags & IFF_UP)) {
		status = PCAP_ERROR_IFACE_NOT_UP;
		pcap_errf(p->errbuf, "%s: That device is not up", dev);
	} else if (ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) {
		pcap_errnof(p->errbuf, errno, "SIOCGIFHWADDR");
		status = PCAP_ERROR;
	} else if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER &&
		   ifr.ifr_hwaddr.sa_family != ARPHRD_LOOPBACK) {
		pcap_errf(p->errbuf, "%s: the %s backend needs an Ethernet "
			  "device (ARPHRD %d)", dev, backend,
			  ifr.ifr_hwaddr.sa_family);
		status = PCAP_ERROR;
	}
	close(fd);
	return status;
}

int netdev_hold_promisc(pcap_t *p, const char *dev, int *fd)
{
	struct packet_mreq mr = { .mr_ifindex = (int)if_nametoindex(dev),
				  .mr_type = PACKET_MR_PROMISC };

	*fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (*fd < 0 || setsockopt(*fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
				  sizeof mr) != 0) {
		int e = errno;

		pcap_errnof(p->errbuf, e, "%s: promiscuous mode", dev);
		return e == EPERM ? PCAP_ERROR_PERM_DENIED : PCAP_ERROR;
	}
	return 0;
}

void netdev_take_over(pcap_t *p, void *priv, const struct source_ops *ops)
{
	if (((struct tpacket *)p->priv)->wake_fd >= 0)
		close(((struct tpacket *)p->priv)->wake_fd);
	free(p->priv);
	p->priv = priv;
	p->ops = ops;
}
