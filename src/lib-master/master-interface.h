/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MASTER_INTERFACE_H
#define MASTER_INTERFACE_H

/* What the master passes to every service process it starts (fork+exec):

   fds:  0 /dev/null, 1 /dev/null, 2 the log (log_path, or the master's
         stderr with -F). From MASTER_LISTEN_FD_FIRST on, one fd per entry
         of COVE_LISTENERS, in order.
   env:  COVE_CONFIG      path of the config file to read (the
                          master's validated snapshot)
         COVE_SERVICE     the service's name ("imap-login")
         COVE_LISTENERS   space-separated "name:kind" per fd, kind is
                          inet or unix ("imap:inet imaps:inet")
         COVE_CONNECTION  "1" for per-connection services: the single fd
                          at MASTER_LISTEN_FD_FIRST is an accepted
                          connection from the listener named in
                          COVE_LISTENERS, not a listener
         COVE_CLIENT_LIMIT  clients one process may serve at once
         COVE_RESTRICT_USER/_UID/_GID/_CHROOT  set when the master runs as
                          root: the service drops to them in
                          master_service_init_finish() (after reading its
                          config, before touching client data)
         COVE_DEBUG       "1" to enable debug logging
         COVE_MASTER_FD   (listening services only) an fd after the
                          listeners: the read end of a pipe whose write
                          end only the master holds. It becomes readable
                          (EOF) when the master dies; the service then
                          stops as on SIGTERM, so that a restarted master
                          can bind the listeners again.

   A per-connection service (imap, pop3 workers) serves its one
   connection and exits. A listening service (imap-login, auth, lmtp)
   accepts on its listeners until the master sends SIGTERM; it must stop
   accepting then and exit when its clients are done (or at once). */

#define MASTER_LISTEN_FD_FIRST 3

#define MASTER_ENV_CONFIG "COVE_CONFIG"
#define MASTER_ENV_SERVICE "COVE_SERVICE"
#define MASTER_ENV_LISTENERS "COVE_LISTENERS"
#define MASTER_ENV_CONNECTION "COVE_CONNECTION"
#define MASTER_ENV_CLIENT_LIMIT "COVE_CLIENT_LIMIT"
#define MASTER_ENV_RESTRICT_USER "COVE_RESTRICT_USER"
#define MASTER_ENV_RESTRICT_UID "COVE_RESTRICT_UID"
#define MASTER_ENV_RESTRICT_GID "COVE_RESTRICT_GID"
#define MASTER_ENV_RESTRICT_CHROOT "COVE_RESTRICT_CHROOT"
#define MASTER_ENV_DEBUG "COVE_DEBUG"
#define MASTER_ENV_MASTER_FD "COVE_MASTER_FD"

/* Paths of internal sockets, relative to base_dir. The login directory
   is what login processes chroot into: it holds nothing but these. */
#define MASTER_LOGIN_DIR "login"
/* auth-client protocol for login processes (inside the login dir). */
#define MASTER_AUTH_LOGIN_SOCKET "login/login"
/* login -> post-login handoff socket for a protocol: "login/imap". */
#define MASTER_LOGIN_HANDOFF_SOCKET_FMT "login/%s"
/* auth-master protocol (cookie and userdb lookups) for workers, lmtp. */
#define MASTER_AUTH_MASTER_SOCKET "auth-master"
/* userdb lookups only, for cove-deliver run as the mail user: answered
   when the caller's uid is the user's (mode 0666). */
#define MASTER_AUTH_USERDB_SOCKET "auth-userdb"
/* auth-client protocol for other clients (Postfix smtpd SASL). */
#define MASTER_AUTH_CLIENT_SOCKET "auth-client"
/* Admin socket of the master (coveadm stop/reload). */
#define MASTER_ADMIN_SOCKET "admin"
#define MASTER_PID_FILE "master.pid"
/* The validated config as one flat file (see
   settings_parser_get_flat_config()): what COVE_CONFIG points services
   to, so that an edited but not yet reloaded config file never reaches
   them. Replaced atomically on reload. */
#define MASTER_CONFIG_SNAPSHOT "config"

#endif
