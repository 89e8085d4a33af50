/* placeholder until the DLT name table lands. */
#include "config.h"
#include "pcap-compat/pcap-int.h"
PCAP_EXPORT const char *pcap_datalink_val_to_name(int dlt)
{
	(void)dlt;
	return NULL;
}
