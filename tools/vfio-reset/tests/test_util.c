// SPDX-License-Identifier: GPL-2.0
/* Shared by the unit and fuzz tests: a strict JSON checker, an fd count. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

static const char *json_value(const char *p, int depth);

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
						return NULL;
				p += 4;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
		p++;
	}
	return p + 1;
}

static const char *json_number(const char *p)
{
	const char *start;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		start = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == start)
			return NULL;
	}
	return p;
}

static const char *json_members(const char *p, char close, int depth)
{
	p = json_ws(p);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (close == '}') {
			p = json_string(json_ws(p));
			if (!p)
				return NULL;
			p = json_ws(p);
			if (*p++ != ':')
				return NULL;
		}
		p = json_value(p, depth + 1);
		if (!p)
			return NULL;
		p = json_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *json_value(const char *p, int depth)
{
	if (depth > 32)
		return NULL;
	p = json_ws(p);
	switch (*p) {
	case '{': return json_members(p + 1, '}', depth);
	case '[': return json_members(p + 1, ']', depth);
	case '"': return json_string(p);
	case 't': return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f': return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n': return strncmp(p, "null", 4) ? NULL : p + 4;
	default: return json_number(p);
	}
}

/* exactly one JSON value of the given kind ('[' or '{'), then whitespace */
bool json_doc(const char *s, size_t len, char kind)
{
	const char *end;

	if (!s || strlen(s) != len || *json_ws(s) != kind)
		return false;
	end = json_value(s, 0);
	return end && *json_ws(end) == '\0';
}

/* every line of a watch --json run is one JSON object */
bool json_lines(const char *s, size_t *n_lines)
{
	*n_lines = 0;
	while (s && *s) {
		const char *nl = strchr(s, '\n');
		char line[1024];

		if (!nl || (size_t)(nl - s) >= sizeof(line))
			return false;
		snprintf(line, sizeof(line), "%.*s", (int)(nl - s), s);
		if (!json_doc(line, strlen(line), '{'))
			return false;
		++*n_lines;
		s = nl + 1;
	}
	return true;
}

int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}
