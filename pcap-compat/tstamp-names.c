/*
 * tstamp-names.c: the time stamp type names and descriptions libpcap
 * 1.10.3 uses, and the three lookups over them.
 */
#include "config.h"

#include "pcap-compat/pcap-int.h"
#include "pcap-compat/nametoaddr.h"

struct tstamp_name {
	int type;
	const char *name;
	const char *description;
};

static const struct tstamp_name tstamp_names[] = {
	{ PCAP_TSTAMP_HOST, "host", "Host" },
	{ PCAP_TSTAMP_HOST_LOWPREC, "host_lowprec", "Host, low precision" },
	{ PCAP_TSTAMP_HOST_HIPREC, "host_hiprec", "Host, high precision" },
	{ PCAP_TSTAMP_ADAPTER, "adapter", "Adapter" },
	{ PCAP_TSTAMP_ADAPTER_UNSYNCED, "adapter_unsynced",
	  "Adapter, not synced with system time" },
	{ PCAP_TSTAMP_HOST_HIPREC_UNSYNCED, "host_hiprec_unsynced",
	  "Host, high precision, not synced with system time" },
};

#define TSTAMP_NAME_COUNT (sizeof tstamp_names / sizeof tstamp_names[0])

static const struct tstamp_name *tstamp_by_type(int type)
{
	for (size_t i = 0; i < TSTAMP_NAME_COUNT; i++)
		if (tstamp_names[i].type == type)
			return &tstamp_names[i];
	return NULL;
}

PCAP_EXPORT int pcap_tstamp_type_name_to_val(const char *name)
{
	for (size_t i = 0; i < TSTAMP_NAME_COUNT; i++)
		if (names_casecmp(tstamp_names[i].name, name) == 0)
			return tstamp_names[i].type;
	return PCAP_ERROR;
}

PCAP_EXPORT const char *pcap_tstamp_type_val_to_name(int type)
{
	const struct tstamp_name *row = tstamp_by_type(type);

	return row ? row->name : NULL;
}

PCAP_EXPORT const char *pcap_tstamp_type_val_to_description(int type)
{
	const struct tstamp_name *row = tstamp_by_type(type);

	return row ? row->description : NULL;
}
