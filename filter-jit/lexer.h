/*
 * lexer.h: the tokens of pcap-filter(7) and the scanner that cuts an
 * expression into them (lexer.c).  The parser (parser.c) asks for one
 * token at a time, exactly when libpcap's parser would read its lookahead.
 */
#ifndef ACCEL_LEXER_H
#define ACCEL_LEXER_H

#include <stdint.h>

struct cc;

enum tok {
	TK_EOF,
	TK_LEXERR,	/* no rule matched, or a number did not convert */

	/* Tokens with text or a number. */
	TK_ID, TK_HID, TK_HID6, TK_EID, TK_AID, TK_NUM,

	/* Keyword classes; token.val says which member (enum q_*, atm_kw, ss7_kw). */
	TK_PNAME,	/* protocol qualifier: tcp, ip, ether... */
	TK_DQUAL,	/* addr1..addr4, ra, ta */
	TK_AQUAL,	/* host, net, port, portrange */
	TK_ATMTYPE, TK_ATMMULTI, TK_ATMFIELD, TK_MTP2TYPE, TK_MTP3FIELD,

	/* Keywords with a grammar of their own. */
	TK_SRC, TK_DST, TK_NETMASK, TK_PROTO, TK_PROTOCHAIN, TK_GATEWAY,
	TK_TYPE, TK_SUBTYPE, TK_DIR,
	TK_LESS, TK_GREATER, TK_BYTE, TK_BROADCAST, TK_MULTICAST,
	TK_AND, TK_OR, TK_NOT,
	TK_LEN, TK_INBOUND, TK_OUTBOUND, TK_IFINDEX,
	TK_VLAN, TK_MPLS, TK_PPPOED, TK_PPPOES, TK_GENEVE, TK_LLC,
	TK_PF_IFNAME, TK_PF_RSET, TK_PF_RNR, TK_PF_SRNR, TK_PF_REASON,
	TK_PF_ACTION,

	/* Operators and punctuation. */
	TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH, TK_PERCENT, TK_COLON,
	TK_LBRACKET, TK_RBRACKET, TK_LPAREN, TK_RPAREN,
	TK_AMP, TK_PIPE, TK_CARET, TK_LT, TK_GT, TK_EQ,
	TK_GEQ, TK_LEQ, TK_NEQ, TK_LSH, TK_RSH,
};

struct token {
	enum tok kind;
	uint32_t val;		/* TK_NUM: the number; keyword classes: member */
	const char *text;	/* TK_ID..TK_AID: arena copy; NULL if rejected */
	const char *error;	/* what the lexer reported on this token, or NULL */
};

struct lexer {
	struct cc *cc;
	const char *p;		/* next unread character */
};

void lexer_init(struct lexer *lx, struct cc *cc, const char *text);
void lexer_next(struct lexer *lx, struct token *t);

#endif
