/*
 * linktype.h: savefile link-layer type numbers (LINKTYPE_*) versus the
 * DLT_* values the API uses, and the largest snapshot length each allows.
 */
#ifndef ACCEL_LINKTYPE_H
#define ACCEL_LINKTYPE_H

/* The default and usual maximum snapshot length (libpcap's). */
#define MAXIMUM_SNAPLEN 262144

/* The savefile header's link type field: low 16 bits type, FCS bits above. */
#define LT_LINKTYPE(x)		((x) & 0x0000FFFF)
#define LT_RESERVED1(x)		((x) & 0x03FF0000)
#define LT_FCS_LENGTH_PRESENT(x) ((x) & 0x04000000)
#define LT_FCS_LENGTH(x)	(((x) & 0xF0000000) >> 28)
#define LT_FCS_DATALINK_EXT(x)	((((x) & 0xF) << 28) | 0x04000000)

/* -1 when the DLT has no savefile number. */
int dlt_to_linktype(int dlt);
/* Unknown numbers map to themselves. */
int linktype_to_dlt(int linktype);
unsigned int max_snaplen_for_dlt(int dlt);

#endif
