/* placeholder until the savefile source lands. */
#include "config.h"
#include "accel/sources.h"
pcap_t *savefile_open(FILE *fp, u_int precision, char *errbuf)
{
	(void)fp, (void)precision;
	pcap_errf(errbuf, "savefiles are not supported yet");
	return NULL;
}
