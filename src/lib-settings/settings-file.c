/* Copyright (c) Cove authors. See AUTHORS. */

/* Reading config files: the lines of one file, `!include` and
   `!include_try` with glob patterns, and `key = <path` value files. A
   section must be closed in the file that opened it. */

#include "lib.h"
#include "buffer.h"
#include "file-util.h"
#include "settings-parser-private.h"

#include <glob.h>
#include <sys/stat.h>

/* Config files and <file values larger than this are refused. */
#define SETTINGS_FILE_MAX_SIZE (4 * 1024 * 1024)
/* Files read in all by one parse: a few files that include each other
   could otherwise be read 2^SETTINGS_INCLUDE_MAX_DEPTH times. */
#define SETTINGS_INCLUDE_MAX_FILES 1000

static void settings_file_line(struct settings_parser *parser,
			       const char *text)
{
	struct settings_line line;
	const char *error;

	if (settings_line_parse(text, &line, &error) == 0) {
		settings_parser_apply_line(parser, &line);
		return;
	}
	settings_parser_error(parser, "%s", error);
	if (line.type == SETTINGS_LINE_SECTION_BEGIN)
		settings_parser_skip_section(parser, line.key);
}

/* Reports and closes the sections the current file left open. */
static void settings_file_close_sections(struct settings_parser *parser)
{
	unsigned int count;
	struct settings_frame *frame;

	while ((count = array_count(&parser->frames)) > 1) {
		frame = array_idx_elem(&parser->frames, count - 1);
		if (frame->file_level != parser->file_level)
			break;
		parser->cur_line = frame->line;
		settings_parser_error(parser, "Missing '}' for section %s",
				      frame->name);
		array_delete(&parser->frames, count - 1, 1);
	}
}

static void settings_file_parse(struct settings_parser *parser,
				const buffer_t *buf)
{
	const char *data = buf->data, *end = data + buf->used, *lf;
	size_t len;

	while (data < end) {
		parser->cur_line++;
		lf = memchr(data, '\n', end - data);
		len = (lf == NULL ? end : lf) - data;
		if (len > 0 && data[len - 1] == '\r')
			len--;
		T_BEGIN {
			settings_file_line(parser, t_strndup(data, len));
		} T_END;
		data = lf == NULL ? end : lf + 1;
	}
}

int settings_file_read(struct settings_parser *parser, const char *path,
		       bool *enoent_r, const char **error_r)
{
	const char *prev_file = parser->cur_file;
	unsigned int prev_line = parser->cur_line;
	struct settings_file_id *id = &parser->file_ids[parser->file_level];
	buffer_t *buf;
	struct stat st;

	*enoent_r = false;
	if (stat(path, &st) < 0)
		i_zero(&st);
	else {
		for (unsigned int i = 0; i < parser->file_level; i++) {
			if (parser->file_ids[i].dev == st.st_dev &&
			    parser->file_ids[i].ino == st.st_ino) {
				*error_r = t_strdup_printf(
					"%s includes itself", path);
				return -1;
			}
		}
	}
	if (file_read_all(path, datastack_pool, SETTINGS_FILE_MAX_SIZE, &buf,
			  enoent_r, error_r) < 0)
		return -1;
	id->dev = st.st_dev;
	id->ino = st.st_ino;

	parser->cur_file = p_strdup(parser->pool, path);
	parser->cur_line = 0;
	parser->file_level++;
	parser->files_read++;
	settings_file_parse(parser, buf);
	settings_file_close_sections(parser);
	parser->file_level--;
	parser->cur_file = prev_file;
	parser->cur_line = prev_line;
	return 0;
}

static void settings_file_include_one(struct settings_parser *parser,
				      const char *path, bool try_only)
{
	const char *error;
	bool enoent;

	if (settings_file_read(parser, path, &enoent, &error) < 0 &&
	    !(try_only && enoent))
		settings_parser_error(parser, "!include: %s", error);
}

void settings_file_include(struct settings_parser *parser,
			   const char *pattern, bool try_only)
{
	const char *path = settings_parser_path(parser, pattern);
	glob_t globbuf;
	int ret;

	if (parser->file_level >= SETTINGS_INCLUDE_MAX_DEPTH) {
		settings_parser_error(parser,
			"!include: Includes nested too deep (limit %u): %s",
			SETTINGS_INCLUDE_MAX_DEPTH, path);
		return;
	}
	if (parser->files_read >= SETTINGS_INCLUDE_MAX_FILES) {
		settings_parser_error(parser,
			"!include: Too many files included (limit %u; "
			"do the includes loop?): %s",
			SETTINGS_INCLUDE_MAX_FILES, path);
		return;
	}
	if (strpbrk(path, "*?[") == NULL) {
		settings_file_include_one(parser, path, try_only);
		return;
	}

	ret = glob(path, 0, NULL, &globbuf);
	if (ret == 0) {
		for (size_t i = 0; i < globbuf.gl_pathc; i++)
			settings_file_include_one(parser, globbuf.gl_pathv[i],
						  try_only);
	} else if (ret != GLOB_NOMATCH) {
		settings_parser_error(parser, "!include: glob(%s) failed: %s",
				      path, ret == GLOB_NOSPACE ?
				      "Out of memory" : "Read error");
	} else if (!try_only) {
		settings_parser_error(parser, "!include: No files match %s",
				      path);
	}
	globfree(&globbuf);
}

int settings_file_read_value(const char *path, const char **value_r,
			     const char **error_r)
{
	buffer_t *buf;
	size_t len;

	if (file_read_all(path, datastack_pool, SETTINGS_FILE_MAX_SIZE, &buf,
			  NULL, error_r) < 0)
		return -1;
	len = buf->used;
	while (len > 0 && (((const char *)buf->data)[len - 1] == '\n' ||
			   ((const char *)buf->data)[len - 1] == '\r'))
		len--;
	*value_r = t_strndup(buf->data, len);
	return 0;
}
