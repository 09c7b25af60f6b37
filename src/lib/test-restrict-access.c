/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for restrict-access.c. The drops themselves run only as root, in
   a child process, so the test binary keeps its privileges. */

#include "lib.h"
#include "restrict-access.h"
#include "test-lib.h"

#include <grp.h>
#include <sys/wait.h>

#define TEST_UNPRIV_ID 65534

static int test_restrict_access_child(void)
{
	struct restrict_access_settings set = {
		.username = "cove-test-no-such-user",
		.uid = TEST_UNPRIV_ID,
		.gid = TEST_UNPRIV_ID,
		.extra_gid = 5,
	};
	const char *error;
	gid_t groups[8];

	/* temporary switch and back */
	if (restrict_access_temp("cove-test-no-such-user", TEST_UNPRIV_ID,
				 TEST_UNPRIV_ID, 5, &error) < 0)
		return 1;
	if (geteuid() != TEST_UNPRIV_ID || getegid() != TEST_UNPRIV_ID ||
	    getuid() != 0 || getgroups(N_ELEMENTS(groups), groups) != 2 ||
	    groups[0] != 5)
		return 2;
	if (restrict_access_temp_end(&error) < 0 || geteuid() != 0 ||
	    getegid() != getgid())
		return 3;

	if (restrict_access(&set, &error) < 0)
		return 4;
	if (getuid() != TEST_UNPRIV_ID || getgid() != TEST_UNPRIV_ID)
		return 5;
	int count = getgroups(N_ELEMENTS(groups), groups);
	/* the kernel keeps the list sorted */
	if (count != 2 || groups[0] != 5 || groups[1] != TEST_UNPRIV_ID)
		return 6;
	if (restrict_access_have_root() || setuid(0) == 0)
		return 7;
	return 0;
}

void test_restrict_access(void)
{
	struct restrict_access_settings set = {
		.uid = geteuid(),
		.gid = getegid(),
		.extra_gid = (gid_t)-1,
	};
	const char *error;
	uid_t uid;
	gid_t gid;

	test_begin("restrict access");
	test_assert(restrict_access_lookup_user("root", &uid, &gid,
						&error) == 1);
	test_assert(uid == 0);
	test_assert(restrict_access_lookup_user("cove-test-no-such-user",
						&uid, &gid, &error) == 0);
	test_assert(restrict_access_lookup_group("root", &gid, &error) == 1);
	test_assert(gid == 0);
	test_assert(restrict_access_lookup_group("cove-test-no-such-group",
						 &gid, &error) == 0);
	if (!restrict_access_have_root()) {
		/* already the wanted user: nothing to do */
		test_assert(restrict_access(&set, &error) == 0);
		set.uid = 0;
		test_assert(restrict_access(&set, &error) < 0);
		test_end();
		return;
	}

	pid_t pid = fork();
	if (pid == 0)
		_exit(test_restrict_access_child());
	int status = -1;
	test_assert(pid > 0 && waitpid(pid, &status, 0) == pid);
	test_assert(WIFEXITED(status));
	test_assert_cmp(WEXITSTATUS(status), ==, 0);
	test_end();
}
