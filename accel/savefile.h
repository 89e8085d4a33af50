/* placeholder: accel/savefile.h (being written) */
