/* placeholder: pcap-compat/etherent.c (being written) */
