/* placeholder: pcap-compat/nametoaddr.c (being written) */
