/* placeholder: accel/savefile.c (being written) */
