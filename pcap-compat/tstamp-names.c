/* placeholder: pcap-compat/tstamp-names.c (being written) */
