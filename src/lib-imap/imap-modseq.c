/* Copyright (c) Cove authors. See AUTHORS. */

/* Parsing mod-sequence values (see imap-modseq.h). */

#include "lib.h"
#include "strfuncs.h"
#include "imap-modseq.h"

bool imap_modseq_parse(const char *str, bool allow_zero, uint64_t *modseq_r)
{
	if (str_to_uint64(str, modseq_r) < 0)
		return false;
	return *modseq_r <= IMAP_MODSEQ_MAX && (allow_zero || *modseq_r > 0);
}
