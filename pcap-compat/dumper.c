/* placeholder: pcap-compat/dumper.c (being written) */
