/* placeholder: accel/sf-pcapng.c (being written) */
