/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SERVICE_PROCESS_H
#define SERVICE_PROCESS_H

/* Starting and supervising service processes: fork + exec with the
   listener fds and environment of master-interface.h, reaping, restart
   with back-off, and stopping them all. */

struct service;
struct service_list;

void service_processes_init(void);
void service_processes_deinit(void);

/* Starts the listening services' processes and the accept ios of the
   per-connection services. */
void service_list_start(struct service_list *list);
/* Stops accepting and asks every process of the list to stop (SIGTERM).
   The list is freed once its last process is reaped (maybe at once):
   the caller must not use it afterwards.
   Processes of a list that is replaced keep being reaped. */
void service_list_stop(struct service_list *list);
/* Stops the server: stops list's services in the reverse order of
   master_all_services (so that auth, which the others use, goes last),
   each with SIGTERM, waiting for them to exit; then the processes of
   older lists. What is left after timeout_secs is SIGKILLed. Frees list. */
void service_list_shutdown(struct service_list *list,
			   unsigned int timeout_secs);
/* Number of running children. */
unsigned int service_processes_count(void);

#endif
