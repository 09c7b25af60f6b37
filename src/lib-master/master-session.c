/* Copyright (c) Cove authors. See AUTHORS. */

/* Session files for coveadm who/kick (see master-session.h). */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "strfuncs.h"
#include "file-util.h"
#include "master-session.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A session file is one short line. */
#define MASTER_SESSION_MAX_SIZE 4096

static char *master_session_path;

/* The start time of process pid (field 22 of /proc/<pid>/stat) and the
   owner of /proc/<pid>. Returns 1, 0 if there is no such process, -1 if
   /proc cannot tell. */
static int master_session_proc(pid_t pid, const char **start_r,
			       uid_t *uid_r)
{
	const char *path = t_strdup_printf("/proc/%d/stat", (int)pid);
	const char *error, *p;
	unsigned int field;
	buffer_t *data;
	struct stat st;
	bool enoent;

	if (stat(t_strdup_printf("/proc/%d", (int)pid), &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (file_read_all(path, datastack_pool, 4096, &data, &enoent,
			  &error) < 0)
		return enoent ? 0 : -1;
	*uid_r = st.st_uid;
	/* the command name (field 2) may hold spaces: count after its ')' */
	p = strrchr(str_c(data), ')');
	if (p == NULL)
		return -1;
	for (field = 2; field < 21 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL)
		return -1;
	*start_r = t_strndup(p + 1, strcspn(p + 1, " "));
	return 1;
}

int master_session_publish(const char *base_dir, const char *protocol,
			   const char *username, const struct ip_addr *ip,
			   const char **error_r)
{
	const char *path, *start, *line;
	uid_t uid;
	int fd;

	if (master_session_proc(getpid(), &start, &uid) <= 0) {
		*error_r = "Reading /proc/self/stat failed";
		return -1;
	}
	path = t_strdup_printf("%s/%s/%d", base_dir, MASTER_SESSIONS_DIR,
			       (int)getpid());
	line = t_strdup_printf("%s\t%s\t%s\t%ld\t%s\n",
			       str_tabescape(username), str_tabescape(protocol),
			       net_ip2addr(ip), (long)time(NULL), start);
	/* a file left by an earlier process with this pid */
	(void)unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		*error_r = t_strdup_printf("open(%s) failed: %m", path);
		return -1;
	}
	if (write_full(fd, line, strlen(line)) < 0) {
		*error_r = t_strdup_printf("write(%s) failed: %m", path);
		i_close_fd(&fd);
		(void)unlink(path);
		return -1;
	}
	i_close_fd(&fd);
	i_free(master_session_path);
	master_session_path = i_strdup(path);
	return 0;
}

void master_session_unpublish(void)
{
	if (master_session_path == NULL)
		return;
	if (unlink(master_session_path) < 0 && errno != ENOENT)
		i_error("unlink(%s) failed: %m", master_session_path);
	i_free(master_session_path);
}

/* Reads the file at path if it is a regular file of at most
   MASTER_SESSION_MAX_SIZE bytes (not a symlink: the directory is writable
   by all). Returns the data (temporary frame) with its owner, or NULL. */
static const char *master_session_read_file(const char *path, uid_t *uid_r)
{
	char buf[MASTER_SESSION_MAX_SIZE + 1];
	struct stat st;
	ssize_t ret;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > MASTER_SESSION_MAX_SIZE) {
		i_close_fd(&fd);
		return NULL;
	}
	ret = read(fd, buf, sizeof(buf) - 1);
	i_close_fd(&fd);
	if (ret < 0)
		return NULL;
	*uid_r = st.st_uid;
	return t_strndup(buf, ret);
}

/* Reads the session file name in dir. Returns 1 with session_r, 0 if it
   is not a live session's. */
static int master_session_read(const char *dir, const char *name,
			       pool_t pool, struct master_session *session_r)
{
	const char *const *fields, *data, *start;
	unsigned int pid;
	uint64_t since;
	uid_t file_uid, proc_uid;

	if (str_to_uint(name, &pid) < 0 || pid == 0 || (pid_t)pid <= 0)
		return 0;
	data = master_session_read_file(t_strdup_printf("%s/%s", dir, name),
					&file_uid);
	if (data == NULL ||
	    master_session_proc((pid_t)pid, &start, &proc_uid) <= 0 ||
	    proc_uid != file_uid)
		return 0;
	fields = t_strsplit_tabescaped(t_strndup(data, strcspn(data, "\n")));
	if (str_array_length(fields) != 5 ||
	    strcmp(fields[4], start) != 0 ||
	    str_to_uint64(fields[3], &since) < 0)
		return 0;
	session_r->pid = (pid_t)pid;
	session_r->username = p_strdup(pool, fields[0]);
	session_r->protocol = p_strdup(pool, fields[1]);
	session_r->remote_ip = p_strdup(pool, fields[2]);
	session_r->since = (time_t)since;
	return 1;
}

static int master_session_cmp(const struct master_session *s1,
			      const struct master_session *s2)
{
	return s1->pid < s2->pid ? -1 : s1->pid > s2->pid;
}

int master_session_list(const char *base_dir, pool_t pool,
			ARRAY_TYPE(master_session) *sessions,
			const char **error_r)
{
	const char *dir = t_strdup_printf("%s/%s", base_dir,
					  MASTER_SESSIONS_DIR);
	struct master_session session;
	struct dirent *d;
	DIR *dirp;
	int ret;

	dirp = opendir(dir);
	if (dirp == NULL) {
		if (errno == ENOENT)
			return 0;
		*error_r = t_strdup_printf("opendir(%s) failed: %m", dir);
		return -1;
	}
	while ((d = readdir(dirp)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		T_BEGIN {
			ret = master_session_read(dir, d->d_name, pool,
						  &session);
			if (ret == 0) {
				/* stale or fake; only its owner or root
				   can remove it */
				(void)unlink(t_strdup_printf("%s/%s", dir,
							     d->d_name));
			}
		} T_END;
		if (ret > 0)
			array_push_back(sessions, &session);
	}
	if (closedir(dirp) < 0) {
		*error_r = t_strdup_printf("closedir(%s) failed: %m", dir);
		return -1;
	}
	array_sort(sessions, master_session_cmp);
	return 0;
}
