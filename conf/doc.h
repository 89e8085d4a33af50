/*
 * doc.h: documentation written from the key table -- the accel-pcap(7)
 * man page and accel-info's --keys list -- so neither can drift from it.
 */
#ifndef ACCEL_DOC_H
#define ACCEL_DOC_H

#include <stdio.h>

void accel_doc_man(FILE *out);
void accel_doc_keys(FILE *out);

#endif
