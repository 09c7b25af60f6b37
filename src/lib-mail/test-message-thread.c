/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for message-thread.c. */

#include "lib.h"
#include "str.h"
#include "message-thread.h"
#include "test-lib-mail.h"

#define THREAD_MAX_MSGS 6

struct thread_test {
	/* subject, Message-ID, In-Reply-To, References; date is the
	   index unless dates[] is given */
	const char *msgs[THREAD_MAX_MSGS][4];
	time_t dates[THREAD_MAX_MSGS];
	const char *orderedsubject;
	const char *references;
};

static const struct thread_test thread_tests[] = {
	{ .msgs = { { "a", NULL, NULL, NULL } },
	  .orderedsubject = "(1)", .references = "(1)" },
	/* a reference loop; dates 3, 1, 2 */
	{ .msgs = { { NULL, "<a@b>", NULL, NULL },
		    { NULL, "<b@b>", NULL, "<a@b> <c@b>" },
		    { NULL, "<c@b>", NULL, "<b@b>" } },
	  .dates = { 3, 1, 2 },
	  .orderedsubject = "(2 (3)(1))", .references = "(3 2)(1)" },
	/* duplicate Message-IDs */
	{ .msgs = { { NULL, "<a@b>", NULL, NULL },
		    { NULL, "<a@b>", NULL, NULL } },
	  .orderedsubject = "(1 2)", .references = "(1)(2)" },
	/* same subject joins, a reply goes under the original */
	{ .msgs = { { "foo", "<a@b>", NULL, NULL },
		    { "Re: foo", "<a@b>", NULL, NULL } },
	  .orderedsubject = "(1 2)", .references = "(1 2)" },
	/* two originals with the same subject get a dummy parent */
	{ .msgs = { { "foo", "<1@x>", NULL, NULL },
		    { "bar", "<2@x>", NULL, NULL },
		    { "foo", "<3@x>", NULL, NULL } },
	  .orderedsubject = "(1 3)(2)", .references = "((1)(3))(2)" },
	/* In-Reply-To when there is no References; a missing parent
	   with several children stays as a dummy root */
	{ .msgs = { { "x", "<1@x>", "<0@x>", NULL },
		    { "y", "<2@x>", "<1@x> <9@x>", NULL },
		    { "z", "<3@x>", NULL, "<0@x>" },
		    { "w", "<4@x>", NULL, "<2@x>" } },
	  .orderedsubject = "(1)(2)(3)(4)",
	  .references = "((1 2 4)(3))" },
	/* a missing parent with one child is dropped */
	{ .msgs = { { "x", "<1@x>", NULL, "<0@x>" },
		    { "y", "<2@x>", NULL, NULL } },
	  .orderedsubject = "(1)(2)", .references = "(1)(2)" },
	/* children sorted by date */
	{ .msgs = { { "r", "<1@x>", NULL, NULL },
		    { "s", "<2@x>", NULL, "<1@x>" },
		    { "t", "<3@x>", NULL, "<1@x>" } },
	  .dates = { 1, 3, 2 },
	  .orderedsubject = "(1)(3)(2)", .references = "(1 (3)(2))" },
};

static void test_message_thread_run(void)
{
	struct message_thread_input msgs[THREAD_MAX_MSGS];
	const struct thread_test *test;
	string_t *str = t_str_new(128);
	unsigned int i, j, count;

	test_begin("message thread");
	for (i = 0; i < N_ELEMENTS(thread_tests); i++) {
		test = &thread_tests[i];
		memset(msgs, 0, sizeof(msgs));
		for (count = 0; count < THREAD_MAX_MSGS; count++) {
			j = count;
			if (test->msgs[j][0] == NULL &&
			    test->msgs[j][1] == NULL)
				break;
			msgs[j].id = j + 1;
			msgs[j].date = test->dates[j] != 0 ?
				test->dates[j] : (time_t)j;
			msgs[j].subject = test->msgs[j][0];
			msgs[j].message_id = test->msgs[j][1];
			msgs[j].in_reply_to = test->msgs[j][2];
			msgs[j].references = test->msgs[j][3];
		}
		str_truncate(str, 0);
		message_thread_orderedsubject(msgs, count, str);
		test_assert_idx(strcmp(str_c(str),
				       test->orderedsubject) == 0, i);
		str_truncate(str, 0);
		message_thread_references(msgs, count, str);
		test_assert_idx(strcmp(str_c(str), test->references) == 0, i);
	}
	test_end();
}

/* A chain deeper than MESSAGE_THREAD_MAX_DEPTH is split, and every
   message is still written once. */
static void test_message_thread_deep(void)
{
	const unsigned int count = MESSAGE_THREAD_MAX_DEPTH * 3;
	struct message_thread_input *msgs;
	string_t *str = t_str_new(count * 8);
	const char *p;
	unsigned int i, parens = 0, numbers = 0;

	test_begin("message thread deep chain");
	msgs = t_new(struct message_thread_input, count);
	for (i = 0; i < count; i++) {
		msgs[i].id = i + 1;
		msgs[i].date = i;
		msgs[i].message_id = t_strdup_printf("<%u@x>", i);
		if (i > 0)
			msgs[i].references = t_strdup_printf("<%u@x>", i - 1);
	}
	message_thread_references(msgs, count, str);
	for (p = str_c(str); *p != '\0'; p++) {
		if (*p == '(')
			parens++;
		else if (*p >= '0' && *p <= '9' &&
			 (p[1] < '0' || p[1] > '9'))
			numbers++;
	}
	test_assert(strncmp(str_c(str), "(1 2 3 ", 7) == 0);
	test_assert(parens >= 3);
	test_assert(numbers == count);
	test_end();
}

void test_message_thread(void)
{
	test_message_thread_run();
	test_message_thread_deep();
}
