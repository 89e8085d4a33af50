/*
 * probe-devices.c: prints pcap_findalldevs' whole answer (names,
 * descriptions, flags, every address field by field, in list order), then
 * pcap_lookupdev and pcap_lookupnet for each device.  devices.sh runs it
 * on the system libpcap and on ours inside test namespaces and diffs.
 *
 *   probe-devices [--init] [--dev-dir DIR]
 *	--init		call pcap_init() first (pcap_lookupdev then refuses)
 *	--dev-dir DIR	see DIR as /dev, in a private mount namespace, so
 *			the usbmon scan finds the nodes the test made there
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* unshare */
#endif
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>

/* Deprecated calls are part of the ABI we compare. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static const struct {
	bpf_u_int32 bit;
	const char *name;
} flag_names[] = {
	{ PCAP_IF_LOOPBACK, "LOOPBACK" },
	{ PCAP_IF_UP, "UP" },
	{ PCAP_IF_RUNNING, "RUNNING" },
	{ PCAP_IF_WIRELESS, "WIRELESS" },
};

/* PCAP_IF_CONNECTION_STATUS_* in order: the field's value >> 4. */
static const char *const status_names[] = {
	"status-unknown", "connected", "disconnected", "status-n/a",
};

static void print_flags(bpf_u_int32 flags)
{
	printf("  flags 0x%08x", flags);
	for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
		if (flags & flag_names[i].bit)
			printf(" %s", flag_names[i].name);
	printf(" %s\n", status_names[(flags & PCAP_IF_CONNECTION_STATUS) >> 4]);
}

static void print_inet(const struct sockaddr_in *sin)
{
	char text[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text);
	printf("inet %s port %u", text, ntohs(sin->sin_port));
}

static void print_inet6(const struct sockaddr_in6 *sin6)
{
	char text[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text);
	printf("inet6 %s scope %u flowinfo %u port %u", text,
	       sin6->sin6_scope_id, ntohl(sin6->sin6_flowinfo),
	       ntohs(sin6->sin6_port));
}

static void print_packet(const struct sockaddr_ll *sll)
{
	printf("packet ifindex %d hatype %u pkttype %u protocol 0x%04x halen %u",
	       sll->sll_ifindex, sll->sll_hatype, sll->sll_pkttype,
	       ntohs(sll->sll_protocol), sll->sll_halen);
	for (unsigned i = 0; i < sll->sll_halen && i < sizeof sll->sll_addr; i++)
		printf("%c%02x", i == 0 ? ' ' : ':', sll->sll_addr[i]);
}

static void print_sockaddr(const char *what, const struct sockaddr *sa)
{
	if (sa == NULL)
		return;
	printf("    %s ", what);
	switch (sa->sa_family) {
	case AF_INET:
		print_inet((const struct sockaddr_in *)sa);
		break;
	case AF_INET6:
		print_inet6((const struct sockaddr_in6 *)sa);
		break;
	case AF_PACKET:
		print_packet((const struct sockaddr_ll *)sa);
		break;
	default:
		printf("family %u", sa->sa_family);
		break;
	}
	printf("\n");
}

static void print_lookupnet(const char *name)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	bpf_u_int32 net = 0, mask = 0;
	char net_text[INET_ADDRSTRLEN], mask_text[INET_ADDRSTRLEN];

	if (pcap_lookupnet(name, &net, &mask, errbuf) != 0) {
		printf("  lookupnet -1 [%s]\n", errbuf);
		return;
	}
	inet_ntop(AF_INET, &net, net_text, sizeof net_text);
	inet_ntop(AF_INET, &mask, mask_text, sizeof mask_text);
	printf("  lookupnet 0 net %s mask %s\n", net_text, mask_text);
}

static void print_device(int n, const pcap_if_t *d)
{
	printf("dev %d %s\n", n, d->name);
	if (d->description != NULL)
		printf("  description \"%s\"\n", d->description);
	else
		printf("  description (null)\n");
	print_flags(d->flags);
	for (const pcap_addr_t *a = d->addresses; a != NULL; a = a->next) {
		printf("  address\n");
		print_sockaddr("addr", a->addr);
		print_sockaddr("netmask", a->netmask);
		print_sockaddr("broadaddr", a->broadaddr);
		print_sockaddr("dstaddr", a->dstaddr);
	}
	print_lookupnet(d->name);
}

/* Show the library another /dev (fake usbmon nodes) in this process only. */
static int use_dev_dir(const char *dir)
{
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount(dir, "/dev", NULL, MS_BIND, NULL) != 0) {
		perror("probe-devices: --dev-dir");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_if_t *all;
	char *dev;
	int n = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--init") == 0) {
			if (pcap_init(PCAP_CHAR_ENC_LOCAL, errbuf) != 0)
				printf("pcap_init failed [%s]\n", errbuf);
		} else if (strcmp(argv[i], "--dev-dir") == 0 && i + 1 < argc) {
			if (use_dev_dir(argv[++i]) != 0)
				return 2;
		} else {
			fprintf(stderr, "usage: probe-devices [--init] "
				"[--dev-dir DIR]\n");
			return 2;
		}
	}

	dev = pcap_lookupdev(errbuf);
	if (dev != NULL)
		printf("lookupdev %s\n", dev);
	else
		printf("lookupdev (null) [%s]\n", errbuf);

	if (pcap_findalldevs(&all, errbuf) != 0) {
		printf("findalldevs -1 [%s]\n", errbuf);
		return 1;
	}
	printf("findalldevs 0\n");
	for (const pcap_if_t *d = all; d != NULL; d = d->next)
		print_device(++n, d);
	pcap_freealldevs(all);
	return 0;
}
