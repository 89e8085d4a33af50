/* placeholder: pcap-compat/dlt-names.c (being written) */
