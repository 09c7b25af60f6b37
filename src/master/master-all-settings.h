/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MASTER_ALL_SETTINGS_H
#define MASTER_ALL_SETTINGS_H

/* Every settings table and every service the master knows: the master
   validates the whole config against the union of the tables. */

struct setting_parser_info;
struct service_defaults;

/* NULL-terminated */
extern const struct setting_parser_info *const master_all_setting_roots[];
extern const struct service_defaults *const master_all_services[];

const struct service_defaults *master_all_services_find(const char *name);
/* "auth, imap-login, ..." in the temporary frame */
const char *master_all_services_names(void);

#endif
