/*
 * doc.c: the accel-pcap(7) man page (accel-info --man; conf/accel-pcap.7
 * is its output, checked by test-conf) and the --keys list, both walked
 * from the key table.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "conf/doc.h"
#include "conf/keys.h"

/* Text into roff: backslashes and hyphens escaped, control lines defused. */
static void roff(FILE *out, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", out);
	for (; *s != '\0'; s++)
		switch (*s) {
		case '\\':
			fputs("\\e", out);
			break;
		case '-':
			fputs("\\-", out);
			break;
		default:
			fputc(*s, out);
		}
}

/* Lines of roff source kept verbatim; the parts the table does not say. */
static const char *const man_head[] = {
	".TH ACCEL-PCAP 7 \"\" \"accel-pcap\" \"accel-pcap\"",
	".SH NAME",
	"accel-pcap \\- accelerated capture device names and their configuration",
	".SH SYNOPSIS",
	".nf",
	"\\fBaccel:\\fIDEV\\fR[\\fB:\\fIDEV\\fR...]",
	"\\fBaccel/\\fIFILE\\fB:\\fIDEV\\fR[\\fB:\\fIDEV\\fR...]",
	".fi",
	".SH DESCRIPTION",
	"accel\\-pcap is a libpcap 1.10 for Linux.",
	"Plain device names (\\fBeth0\\fR, \\fBany\\fR) behave exactly as with libpcap.",
	"A device name that starts with \\fBaccel:\\fR or \\fBaccel/\\fR opens an",
	"accelerated capture, configured by built\\-in defaults, a site\\-wide file,",
	"the environment and a file named in the device name.",
	"The configuration is complete and checked before any socket is opened:",
	"a mistake makes \\fBpcap_create\\fR(3PCAP) or \\fBpcap_activate\\fR(3PCAP)",
	"fail with a message that says where it is, e.g.",
	".PP",
	".RS",
	".nf",
	"ids.conf:4: unknown key 'rx_slot' (did you mean 'rx_slots'?)",
	"ids.conf:7: rx_slots: '12x' is not a number (64..1048576, power of two)",
	".fi",
	".RE",
	".PP",
	"\\fBaccel\\-info\\fR \\fIDEVICE\\-NAME\\fR prints the configuration a name gets,",
	"where each value comes from, and what the kernel and driver of each device support.",
	".SH DEVICE NAMES",
	".TP",
	".B accel:eth0",
	"eth0 with the defaults, the site\\-wide file and the environment.",
	".TP",
	".B accel:eth0:eth1",
	"Several devices in one handle; their packets arrive as one stream, merged",
	"in time stamp order (see \\fBreorder_window_us\\fR).",
	".TP",
	".B accel/ids.conf:eth0:eth1",
	"A config file, relative to the working directory.",
	".TP",
	".B accel//etc/accel/a.conf:eth0",
	"An absolute path: the second slash starts it.",
	".PP",
	"The file name runs to the first colon, so it cannot contain one.",
	"Device names follow the kernel's rules for interface names: 1 to 15",
	"characters, no slash, colon or white space.",
	"Each device may be listed once, and \\fBany\\fR only alone (it already has",
	"every device's packets).",
	"A name that starts otherwise, including \\fBaccel\\fR alone, is a plain",
	"libpcap device.",
	".PP",
	"With \\fBACCEL_FORCE\\fR=1 in the environment a plain name \\fIDEV\\fR is",
	"taken as \\fBaccel:\\fIDEV\\fR, \\fBany\\fR included, so unmodified",
	"programs capture accelerated.",
	"Names that cannot be interfaces, and libpcap's other sources",
	"(bluetooth*, usbmon*, nflog*, nfqueue*, dbus\\-system, dbus\\-session),",
	"stay plain.",
	".SH PRECEDENCE",
	"Each layer overrides the ones before it:",
	".IP 1. 4",
	"built\\-in defaults (below);",
	".IP 2. 4",
	"the file named by \\fBACCEL_CONF\\fR (site\\-wide; a relative path is",
	"from the working directory);",
	".IP 3. 4",
	"\\fBACCEL_\\fIKEY\\fR environment variables (process\\-wide);",
	".IP 4. 4",
	"the file in the device name (per handle, so it wins over the environment).",
	".PP",
	"Within one file a \\fB[\\fIDEV\\fB]\\fR section overrides the same file's",
	"global settings for that device only.",
	"\\fBaccel\\-info\\fR shows each value's origin: \\fBdefault\\fR,",
	"\\fBenv ACCEL_\\fIKEY\\fR or \\fIFILE\\fB:\\fILINE\\fR.",
	".SH CONFIGURATION FILES",
	".nf",
	".RS",
	"# site defaults",
	"block_count = 128          # 128 MiB rings",
	"group = 7",
	"",
	"[eth1]",
	"backend = xdp",
	"cpu = 3",
	".RE",
	".fi",
	".PP",
	"One setting per line, \\fIkey\\fB = \\fIvalue\\fR, white space around either",
	"ignored.",
	"\\fB#\\fR starts a comment at the start of a line or after white space",
	"(so a value cannot contain \\(lq #\\(rq).",
	"\\fB[\\fIDEV\\fB]\\fR starts the settings for device \\fIDEV\\fR, to the next",
	"section; only keys marked \\(lqper device\\(rq may appear there.",
	"Sections for devices not in the name are checked but ignored: one file",
	"can describe every interface of a host.",
	"Setting a key twice in the same section (or twice outside sections),",
	"also through its alias, is an error.",
	"Unknown keys, bad values, lines without \\fB=\\fR and unreadable files are",
	"errors, reported as \\fIFILE\\fB:\\fILINE\\fB:\\fR with the file name as written.",
	".SH VALUES",
	".TP",
	".B boolean",
	"1, yes, true, on / 0, no, false, off, in any case.",
	".TP",
	".B integer",
	"decimal digits.",
	".TP",
	".B size",
	"bytes, with an optional suffix K, M or G (also KB, KiB ...: all powers of 1024).",
	".TP",
	".B duration",
	"a number with the unit us, ms or s; a bare number is in the unit the key's",
	"name ends with, and a value must be a whole number of that unit.",
	".TP",
	".B none",
	"unsets a key that may be unset (and \\-1 too, for numbers):",
	"\\fB\\%ACCEL_GROUP=none\\fR undoes a site\\-wide group.",
	".SH KEYS",
	"Each key is spelt \\fIkey\\fR in files and \\fBACCEL_\\fIKEY\\fR, upper\\-cased,",
	"in the environment.",
	"Keys marked reserved are checked and kept for sources still to come,",
	"and do nothing yet.",
	NULL,
};

static const char *const man_tail[] = {
	".SH EXAMPLES",
	"Capture eth0 with bigger rings and a fanout group shared by four",
	"processes:",
	".PP",
	".RS",
	".nf",
	"ACCEL_BLOCK_COUNT=256 ACCEL_GROUP=42 tcpdump \\-i accel:eth0 \\-w part1.pcap",
	".fi",
	".RE",
	".PP",
	"One stream from two interfaces, configured in a file:",
	".PP",
	".RS",
	".nf",
	"tcpdump \\-i accel/ids.conf:eth0:eth1",
	".fi",
	".RE",
	".PP",
	"Accelerate a program that cannot be told a device name:",
	".PP",
	".RS",
	".nf",
	"ACCEL_FORCE=1 ACCEL_CONF=/etc/accel\\-pcap.conf suricata \\-i eth0",
	".fi",
	".RE",
	".PP",
	"See what a name would get:",
	".PP",
	".RS",
	".nf",
	"accel\\-info accel/ids.conf:eth0:eth1",
	"accel\\-info \\-\\-keys",
	".fi",
	".RE",
	".SH SEE ALSO",
	"\\fBpcap\\fR(3PCAP), \\fBpcap_create\\fR(3PCAP), \\fBtcpdump\\fR(1), \\fBpacket\\fR(7)",
	NULL,
};

static void lines(FILE *out, const char *const *text)
{
	for (size_t i = 0; text[i] != NULL; i++)
		fprintf(out, "%s\n", text[i]);
}

static void man_key(FILE *out, enum accel_key k)
{
	const struct accel_key_info *info = accel_key_info(k);
	char env[64], type[256], def[64];

	accel_key_env_name(k, false, env, sizeof env);
	fprintf(out, ".TP\n\\fB");
	roff(out, accel_key_name(k));
	fputs("\\fR", out);
	if (info->alias != NULL) {
		fputs(", \\fB", out);
		roff(out, info->alias);
		fputs("\\fR", out);
	}
	fputs(" (\\fB", out);
	roff(out, env);
	fputs("\\fR", out);
	if (info->alias != NULL) {
		accel_key_env_name(k, true, env, sizeof env);
		fputs(", \\fB", out);
		roff(out, env);
		fputs("\\fR", out);
	}
	fputs(")\n", out);
	roff(out, info->help);
	fputs(".\n.br\n", out);
	accel_key_type_text(k, type, sizeof type);
	snprintf(def, sizeof def, "%s", info->def ? info->def : "none");
	fputs("Type: ", out);
	roff(out, type);
	fputs(". Default: ", out);
	roff(out, def);
	fprintf(out, ". %s%s\n",
		info->flags & ACCEL_KEY_PER_DEVICE ? "Per device." : "All devices.",
		info->flags & ACCEL_KEY_RESERVED ? " Reserved." : "");
}

static void man_environment(FILE *out)
{
	fputs(".SH ENVIRONMENT\n", out);
	for (size_t i = 0; accel_env_not_keys[i].name != NULL; i++) {
		fputs(".TP\n.B ", out);
		roff(out, accel_env_not_keys[i].name);
		fputc('\n', out);
		roff(out, accel_env_not_keys[i].help);
		fputs(".\n", out);
	}
	fputs(".TP\n.BI ACCEL_ KEY\n", out);
	fputs("sets \\fIkey\\fR, lower\\-cased (above).\n"
	      "An empty value is as if the variable were not set.\n"
	      "Any other \\fBACCEL_\\fR variable is an error, with a suggestion\n"
	      "when it is close to a key: a misspelt setting is never lost.\n",
	      out);
}

void accel_doc_man(FILE *out)
{
	fputs(".\\\" Written by accel-info --man from the key table in "
	      "conf/keys.c; do not edit.\n", out);
	lines(out, man_head);
	for (int k = 0; k < ACCEL_KEY_COUNT; k++)
		man_key(out, k);
	man_environment(out);
	lines(out, man_tail);
}

void accel_doc_keys(FILE *out)
{
	for (int k = 0; k < ACCEL_KEY_COUNT; k++) {
		const struct accel_key_info *info = accel_key_info(k);
		char env[64], alias_env[64], type[256], name[64];

		accel_key_env_name(k, false, env, sizeof env);
		snprintf(name, sizeof name, "%s%s%s", accel_key_name(k),
			 info->alias ? ", " : "", info->alias ? info->alias : "");
		if (info->alias != NULL) {
			accel_key_env_name(k, true, alias_env, sizeof alias_env);
			strncat(env, ", ", sizeof env - strlen(env) - 1);
			strncat(env, alias_env, sizeof env - strlen(env) - 1);
		}
		accel_key_type_text(k, type, sizeof type);
		fprintf(out, "%-20s %-34s default %s, %s%s\n", name, env,
			info->def ? info->def : "none",
			info->flags & ACCEL_KEY_PER_DEVICE ? "per device" :
							     "all devices",
			info->flags & ACCEL_KEY_RESERVED ? ", reserved" : "");
		fprintf(out, "    %s\n    %s\n", type, info->help);
	}
}
