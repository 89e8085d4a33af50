/* placeholder: pcap-compat/devices.c (being written) */
