/* placeholder: accel/sf-pcap.c (being written) */
