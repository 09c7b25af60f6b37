/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_MODSEQ_H
#define IMAP_MODSEQ_H

/* Mod-sequence values in IMAP arguments (RFC 7162 7: CHANGEDSINCE,
   UNCHANGEDSINCE, the QRESYNC SELECT parameter, SEARCH MODSEQ). */

/* RFC 7162 7: mod-sequence-value is at most 2^63-1. */
#define IMAP_MODSEQ_MAX 0x7fffffffffffffffULL

/* Parses str, only decimal digits, as a mod-sequence from 1 (from 0 if
   allow_zero: mod-sequence-valzer, as for UNCHANGEDSINCE) up to
   IMAP_MODSEQ_MAX. Returns false if it is not one. */
bool imap_modseq_parse(const char *str, bool allow_zero, uint64_t *modseq_r);

#endif
