/*
 * fuzz-conf.c: libFuzzer target for accel: device names, configuration
 * files and ACCEL_* environments.  The first input byte picks which one
 * the rest is: a device name; a file's text (named in "accel/FILE:eth0");
 * environment lines (with "accel:eth0").  A configuration that builds is
 * read back through every key's getters; any crash, leak or sanitizer
 * report is a bug, and so is an error message without a reason.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_back(const struct accel_conf *conf)
{
	for (size_t d = 0; d < accel_conf_device_count(conf); d++)
		for (int k = 0; k < ACCEL_KEY_COUNT; k++) {
			char value[256];

			accel_conf_format(conf, d, k, value, sizeof value);
			(void)accel_conf_origin(conf, d, k);
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char file[64];
	char *text, *envp[65] = { NULL }, name[128], errbuf[256] = "";
	struct accel_conf *conf = NULL;
	size_t n = 0;
	int mode;

	if (size == 0)
		return 0;
	mode = data[0] % 3;
	text = malloc(size);
	if (text == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (file[0] == '\0')
		snprintf(file, sizeof file, "/tmp/fuzz-conf-%d.conf", (int)getpid());
	switch (mode) {
	case 0:
		snprintf(name, sizeof name, "%s", "");
		if (accel_conf_build(text, envp, &conf, errbuf) != 0 &&
		    errbuf[0] == '\0')
			abort();	/* an error without a reason */
		break;
	case 1: {
		FILE *f = fopen(file, "w");

		if (f == NULL)
			break;
		fwrite(text, 1, strlen(text), f);
		fclose(f);
		snprintf(name, sizeof name, "accel/%s:eth0", file);
		if (accel_conf_build(name, envp, &conf, errbuf) != 0 &&
		    errbuf[0] == '\0')
			abort();
		break;
	}
	default:
		for (char *line = strtok(text, "\n"); line != NULL && n < 64;
		     line = strtok(NULL, "\n"))
			envp[n++] = line;
		if (accel_conf_build("accel:eth0", envp, &conf, errbuf) != 0 &&
		    errbuf[0] == '\0')
			abort();
		break;
	}
	if (conf != NULL) {
		read_back(conf);
		accel_conf_free(conf);
	}
	free(text);
	return 0;
}
